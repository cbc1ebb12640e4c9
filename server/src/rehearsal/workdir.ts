// The private folder (0700) each rehearsal keeps its bundle and snapshot in, and the sweep that
// removes folders left behind by runs whose process crashed.
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

const PREFIX = 'evolve-rehearsal-';
const OWNER_FILE = 'owner.json';
/** A folder without an owner file is only removed once it is clearly not being set up right now. */
const ORPHAN_AGE_MS = 10 * 60_000;

interface Owner {
  pid: number;
  keep: boolean;
  createdAt: string;
}

export function createWorkDir(tempRoot: string): string {
  const dir = mkdtempSync(join(tempRoot, PREFIX));
  chmodSync(dir, 0o700);
  writeOwner(dir, { pid: process.pid, keep: false, createdAt: new Date().toISOString() });
  return dir;
}

function writeOwner(dir: string, owner: Owner): void {
  writeFileSync(join(dir, OWNER_FILE), JSON.stringify(owner), { mode: 0o600 });
}

/** Marks a folder kept (--keep), so later sweeps leave it alone. */
export function markKept(dir: string): void {
  writeOwner(dir, { pid: process.pid, keep: true, createdAt: new Date().toISOString() });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(dir: string): Owner | null {
  try {
    const value = JSON.parse(readFileSync(join(dir, OWNER_FILE), 'utf8')) as Partial<Owner>;
    return typeof value.pid === 'number' ? { pid: value.pid, keep: value.keep === true, createdAt: String(value.createdAt) } : null;
  } catch {
    return null;
  }
}

/** Removes rehearsal folders whose owning process is gone; returns the folders removed. */
export function sweepLeftovers(tempRoot: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(tempRoot).filter((n) => n.startsWith(PREFIX));
  } catch {
    return removed;
  }
  for (const name of names) {
    const dir = join(tempRoot, name);
    try {
      const owner = readOwner(dir);
      const orphan = owner === null && Date.now() - statSync(dir).mtimeMs > ORPHAN_AGE_MS;
      if (orphan || (owner && !owner.keep && !isAlive(owner.pid))) {
        rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    } catch {
      /* another process removed it first, or it is not ours to read */
    }
  }
  return removed;
}

/** Removes a work folder without blocking the event loop (a PGlite copy has a thousand files). */
export async function removeWorkDir(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch {
    /* left for the next sweep */
  }
}
