// Which files `evolve lint` analyses: files named on the command line always; folders expanded with
// the config's include/exclude patterns.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isEvolveScript, isExcluded, type EvolveConfig } from '../core/config';

const SCRIPT = /\.(ts|js|mjs|cjs|mts|cts|tsx|jsx)$/;

export class UsageError extends Error {}

export function expandPaths(paths: string[], cwd: string, config: EvolveConfig): string[] {
  const out = new Set<string>();
  const walk = (dir: string): void => {
    let entries: string[];
    try {
      entries = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of entries.sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const full = join(dir, name);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue;
      }
      if (st.isDirectory()) walk(full);
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
