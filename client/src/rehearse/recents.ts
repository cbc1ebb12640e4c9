// The snapshot picker's recent files and URLs (workspace storage), and the check of a typed URL.
// No vscode import, so tests run it as is. A URL is only ever kept with its password as ***.
import { redactSource } from '../../../server/src/rehearsal/protocol';

export interface Recent {
  kind: 'file' | 'folder' | 'url';
  /** A path, or a URL with its password replaced by *** . */
  value: string;
}

export const MAX_RECENTS = 5;
export const REDACTED = '***';

/** The recents kept in storage; anything else found there (a hand edit, an older shape) is dropped. */
export function readRecents(stored: unknown): Recent[] {
  if (!Array.isArray(stored)) return [];
  return stored.filter((r): r is Recent => !!r && typeof r.value === 'string' && ['file', 'folder', 'url'].includes(r.kind)).slice(0, MAX_RECENTS);
}

/** The list with `recent` first (once), at most MAX_RECENTS, URLs without their passwords. */
export function withRecent(recents: Recent[], recent: Recent): Recent[] {
  const kept: Recent = recent.kind === 'url' ? { kind: 'url', value: redactSource(recent.value) } : recent;
  return [kept, ...recents.filter((r) => r.value !== kept.value)].slice(0, MAX_RECENTS);
}

/** Why the text is not a usable PostgreSQL URL, or undefined when it is. */
export function urlProblem(text: string): string | undefined {
  const value = text.trim();
  if (!/^postgres(ql)?:\/\//i.test(value)) return 'A PostgreSQL URL starts with postgres:// or postgresql://';
  if (value.includes(REDACTED)) return `Replace ${REDACTED} with the password`;
  try {
    if (new URL(value).pathname.length <= 1) return 'Add the database name, as in postgres://host:5432/app';
  } catch {
    return 'Not a valid URL';
  }
  return undefined;
}
