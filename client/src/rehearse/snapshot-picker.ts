// The snapshot a rehearsal copies, picked in a quick pick: the named snapshots of evolve.config.json
// (from the server, credentials removed), recent files and URLs of this workspace, "Browse for a
// file…", "Browse for a PGlite data folder…" and "Enter a URL…". Recents never hold a password: a
// recent URL that had one asks for it again.
import * as vscode from 'vscode';
import type { SnapshotChoice } from '../../../server/src/lsp/protocol';
import { redactSource } from '../../../server/src/rehearsal/protocol';

/** What the server is asked to copy (a config name, a path or a URL), and how people see it. */
export interface PickedSnapshot {
  value: string;
  label: string;
}

interface Recent {
  kind: 'file' | 'folder' | 'url';
  /** A path, or a URL with its password replaced by *** (never stored). */
  value: string;
}

const RECENTS_KEY = 'evolve.rehearsal.recentSnapshots';
const MAX_RECENTS = 5;
const REDACTED = '***';

type Item = vscode.QuickPickItem & { pick?: () => Promise<PickedSnapshot | undefined> };

export class SnapshotPicker {
  constructor(private readonly state: vscode.Memento) {}

  async pick(script: vscode.Uri, named: SnapshotChoice[]): Promise<PickedSnapshot | undefined> {
    const items: Item[] = [];
    if (named.length > 0) items.push({ label: 'evolve.config.json', kind: vscode.QuickPickItemKind.Separator });
    for (const choice of [...named].sort((a, b) => Number(b.isDefault) - Number(a.isDefault))) {
      items.push({
        label: `$(database) ${choice.name}`,
        description: `${choice.engine} · ${choice.label}${choice.isDefault ? ' · default' : ''}`,
        detail: choice.problem ? `$(warning) ${choice.problem}` : undefined,
        pick: async () => ({ value: choice.name, label: `${choice.name} (${choice.label})` }),
      });
    }
    const recents = this.recents();
    if (recents.length > 0) items.push({ label: 'recent', kind: vscode.QuickPickItemKind.Separator });
    for (const recent of recents) {
      items.push({
        label: `$(history) ${recent.kind === 'url' ? recent.value : vscode.workspace.asRelativePath(recent.value)}`,
        description: recent.kind === 'url' ? 'PostgreSQL' : recent.kind === 'folder' ? 'PGlite data folder' : 'file',
        pick: () => this.fromRecent(recent),
      });
    }
    items.push(
      { label: 'other', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(file) Browse for a file…', description: 'SQLite database or PGlite dump (.tar, .tgz)', pick: () => this.browse(script, 'file') },
      { label: '$(folder-opened) Browse for a PGlite data folder…', pick: () => this.browse(script, 'folder') },
      { label: '$(globe) Enter a URL…', description: 'postgres://user:password@host:5432/database', pick: () => this.enterUrl() },
    );
    const chosen = await vscode.window.showQuickPick(items, {
      title: `Rehearse ${vscode.workspace.asRelativePath(script)}: snapshot`,
      placeHolder: 'Which database to copy? The script runs on the copy; the source is never written.',
      matchOnDescription: true,
    });
    return chosen?.pick?.();
  }

  private recents(): Recent[] {
    const value = this.state.get<unknown>(RECENTS_KEY);
    if (!Array.isArray(value)) return [];
    return value.filter((r): r is Recent => !!r && typeof r.value === 'string' && ['file', 'folder', 'url'].includes(r.kind)).slice(0, MAX_RECENTS);
  }

  private async remember(recent: Recent): Promise<void> {
    const kept = this.recents().filter((r) => r.value !== recent.value);
    await this.state.update(RECENTS_KEY, [recent, ...kept].slice(0, MAX_RECENTS));
  }

  private async fromRecent(recent: Recent): Promise<PickedSnapshot | undefined> {
    if (recent.kind === 'url' && recent.value.includes(REDACTED)) return this.enterUrl(recent.value);
    await this.remember(recent);
    return { value: recent.value, label: recent.kind === 'url' ? recent.value : vscode.workspace.asRelativePath(recent.value) };
  }

  private async browse(script: vscode.Uri, kind: 'file' | 'folder'): Promise<PickedSnapshot | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: kind === 'file',
      canSelectFolders: kind === 'folder',
      canSelectMany: false,
      defaultUri: vscode.workspace.getWorkspaceFolder(script)?.uri,
      openLabel: 'Rehearse on a copy of this',
      title: kind === 'file' ? 'SQLite database or PGlite dump to copy' : 'PGlite data folder to copy',
      ...(kind === 'file' ? { filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3', 'db3'], 'PGlite dump': ['tar', 'tgz', 'gz'], 'All files': ['*'] } } : {}),
    });
    const uri = picked?.[0];
    if (!uri) return undefined;
    await this.remember({ kind, value: uri.fsPath });
    return { value: uri.fsPath, label: vscode.workspace.asRelativePath(uri) };
  }

  /** A postgres:// URL; `start` is a recent one whose password was removed and must be typed again. */
  async enterUrl(start?: string): Promise<PickedSnapshot | undefined> {
    const at = start?.indexOf(REDACTED) ?? -1;
    const url = await vscode.window.showInputBox({
      title: 'PostgreSQL database to copy into a scratch database',
      prompt: start ? 'Type the password again in place of ***: Evolve never stores it.' : 'The password, if any, is used for this run only and never stored.',
      placeHolder: 'postgres://user:password@host:5432/database',
      value: start,
      valueSelection: at >= 0 ? [at, at + REDACTED.length] : undefined,
      ignoreFocusOut: true,
      validateInput: urlProblem,
    });
    if (!url) return undefined;
    const label = redactSource(url.trim());
    await this.remember({ kind: 'url', value: label });
    return { value: url.trim(), label };
  }
}

/** Why the text is not a usable PostgreSQL URL, or undefined when it is. */
export function urlProblem(text: string): string | undefined {
  const value = text.trim();
  if (!/^postgres(ql)?:\/\//i.test(value)) return 'A PostgreSQL URL starts with postgres:// or postgresql://';
  if (value.includes(REDACTED)) return 'Replace *** with the password';
  try {
    if (new URL(value).pathname.length <= 1) return 'Add the database name, as in postgres://host:5432/app';
  } catch {
    return 'Not a valid URL';
  }
  return undefined;
}
