// Words and numbers as the panel shows them, and the source locations in an error's stack.
// Pure, so the webview and the tests share them.

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatPercent(fraction: number): string {
  return `${Math.floor(fraction * 1000) / 10}%`;
}

export interface SourceLocation {
  /** A file path or a file:// URI, as the stack wrote it. */
  file: string;
  line: number;
  column: number;
  /** The stack line it came from, trimmed. */
  text: string;
}

// "    at fn (/path/file.ts:12:5)", "    at /path/file.ts:12:5", "    at async file:///x.mjs:3:1".
const FRAME = /^\s*at (?:.*? \()?((?:file:\/\/)?(?:[A-Za-z]:)?[\\/][^():]*?):(\d+):(\d+)\)?\s*$/;

// Evolve's child, evolve-runtime (bundled, or from a workspace's node_modules) and other libraries.
const EVOLVE_OWN = /[\\/](?:dist[\\/]rehearsal-child\.js|dist[\\/]evolve-runtime\.js|runtime[\\/]dist[\\/]|node_modules[\\/])/;

/**
 * The frames of a V8 stack that point at files (node: internals and Evolve's own bundled files are
 * left out, so the first location is the user's code).
 */
export function parseStackLocations(stack: string | undefined): SourceLocation[] {
  if (!stack) return [];
  const locations: SourceLocation[] = [];
  for (const raw of stack.split('\n')) {
    const match = FRAME.exec(raw);
    if (!match) continue;
    const file = match[1];
    if (EVOLVE_OWN.test(file)) continue;
    locations.push({ file, line: Number(match[2]), column: Number(match[3]), text: raw.trim() });
  }
  return locations;
}

/** The file's name, for a short label. */
export function baseName(file: string): string {
  return file.replace(/^file:\/\//, '').split(/[\\/]/).pop() ?? file;
}
