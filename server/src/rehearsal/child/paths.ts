import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

/** Whether two paths name the same file or folder (after symlinks; same inode for hard links). */
export function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(resolve(p));
    } catch {
      return resolve(p);
    }
  };
  if (real(a) === real(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}
