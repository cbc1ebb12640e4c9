// Finds the evolve scripts of the workspace folders (the files evolve.config.json's include and
// exclude patterns select), so the server can report findings in files not yet opened.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Folders never worth walking: dependencies, VCS data and our own tool cache. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.hg', '.svn', '.evolve-tools']);

export interface ScanOptions {
  isEvolveScript(file: string): boolean;
  isCancelled(): boolean;
}

/** Every evolve script under the folders, sorted; stops early (returning what it has) when cancelled. */
export async function findEvolveScripts(folders: readonly string[], options: ScanOptions): Promise<string[]> {
  const found: string[] = [];
  const stack = [...folders];
  while (stack.length > 0 && !options.isCancelled()) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue; // unreadable or vanished folder: nothing to report in it
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) stack.push(path);
      } else if (entry.isFile() && /\.(?:[cm]?[jt]s)$/.test(entry.name) && options.isEvolveScript(path)) {
        found.push(path);
      }
    }
  }
  return found.sort();
}
