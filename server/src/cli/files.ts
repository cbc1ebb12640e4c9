// Which files `evolve lint` analyses: files named on the command line always; folders expanded with
// the config's include/exclude patterns.
import { readdirSync, statSync, type Dirent } from 'node:fs';
import { join, resolve } from 'node:path';
import { isEvolveScript, isExcluded, type EvolveConfig } from '../core/config';

const SCRIPT = /\.(ts|js|mjs|cjs|mts|cts|tsx|jsx)$/;

export class UsageError extends Error {}

export function expandPaths(paths: string[], cwd: string, config: EvolveConfig): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const name = entry.name;
      if (name === 'node_modules' || name === '.git') continue;
      const full = join(dir, name);
      // The entry's type comes with the listing; only a link needs a stat (to what it points at).
      let isDirectory = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          isDirectory = statSync(full).isDirectory();
        } catch {
          continue;
        }
      }
      if (isDirectory) walk(full);
      else if (SCRIPT.test(name) && !name.endsWith('.d.ts') && isEvolveScript(config, full)) out.add(full);
    }
  };
  for (const p of paths.length ? paths : ['.']) {
    const full = resolve(cwd, p);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw new UsageError(`No such file or folder: ${p}`);
    }
    if (st.isDirectory()) walk(full);
    else if (!isExcluded(config, full) || paths.includes(p)) out.add(full);
  }
  return [...out];
}
