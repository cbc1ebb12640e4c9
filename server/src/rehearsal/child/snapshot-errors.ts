// Why making the snapshot failed, in words that say which file, why and what to do: a full disk, a
// source locked by another process, a source that is not what it claims or is damaged. The drivers'
// own messages ("database or disk is full", "[object Object]") name neither the file nor the fix.
import { statfsSync, statSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SnapshotEngineName } from '../protocol';

/** Shown without a stack: the stack would be Evolve's own frames, not the user's code. */
export class SnapshotError extends Error {
  override name = 'RehearsalSetupError';
}

/** PGlite's file system is Emscripten's, whose errors carry WASI errno values. */
const WASI_ENOSPC = 51;

interface ErrorShape {
  name?: string;
  code?: string;
  errno?: number;
  message?: string;
}

function shape(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : { message: String(error) };
}

function isDiskFull(e: ErrorShape): boolean {
  return e.code === 'ENOSPC' || e.code === 'SQLITE_FULL' || (e.name === 'ErrnoError' && e.errno === WASI_ENOSPC);
}

function mb(n: number): string {
  return n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function sizeOf(path: string): number {
  try {
    const stat = statSync(path);
    return stat.isDirectory() ? readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0) : stat.size;
  } catch {
    return 0;
  }
}

function freeSpace(dir: string): string {
  try {
    const fs = statfsSync(dir);
    return `${mb(fs.bavail * fs.bsize)} free there`;
  } catch {
    return 'free space unknown';
  }
}

function diskFull(e: ErrorShape, source: string, workDir: string): SnapshotError {
  const reason = e.code === 'SQLITE_FULL' ? `SQLite: ${e.message}` : 'no space left on device';
  const tempRoot = dirname(workDir);
  return new SnapshotError(
    `Not enough disk space for the snapshot: copying ${source} (${mb(sizeOf(source))}) into ${tempRoot} failed (${reason}). ${freeSpace(tempRoot)}. ` +
      'Free some space, or set TMPDIR to a folder on a disk with room for a copy of the source.',
  );
}

function sqliteFailure(e: ErrorShape, source: string): SnapshotError | null {
  if (e.code === 'SQLITE_BUSY' || e.code === 'SQLITE_LOCKED') {
    return new SnapshotError(
      `The SQLite source ${source} is locked by another process (SQLite: ${e.message}): an exclusive lock (locking_mode=EXCLUSIVE, or a write being committed) ` +
        'keeps even readers out, and it was not released within 5 s. Rehearse when it is released, or on a copy of the file.',
    );
  }
  if (e.code === 'SQLITE_NOTADB' || e.code === 'SQLITE_CORRUPT') {
    return new SnapshotError(`The SQLite source ${source} is not a SQLite database or is damaged (SQLite: ${e.message}). Check it with: sqlite3 "${source}" "PRAGMA integrity_check"`);
  }
  return null;
}

function pgliteFailure(e: ErrorShape, source: string): SnapshotError {
  const message = e.name === 'ErrnoError' ? `file system error ${e.errno}` : (e.message ?? String(e));
  if (statSync(source, { throwIfNoEntry: false })?.isFile()) {
    return new SnapshotError(`The PGlite dump ${source} could not be loaded (${message}): is it whole, and made by PGlite's dumpDataDir() (a .tar or .tgz)?`);
  }
  return new SnapshotError(`The PGlite data directory ${source} could not be opened (${message}): is it whole, and made by PGlite (of a version this workspace's @electric-sql/pglite reads)?`);
}

/** The error to report for a failure while copying `source` into `workDir` or reading the copy. */
export function snapshotFailure(error: unknown, engine: SnapshotEngineName, source: string, workDir: string): Error {
  const e = shape(error);
  if (error instanceof SnapshotError) return error;
  if (isDiskFull(e)) return diskFull(e, source, workDir);
  if (e.code === 'ENOENT' && !statSync(source, { throwIfNoEntry: false })) return new SnapshotError(`The snapshot source ${source} disappeared while it was copied.`);
  if (engine === 'sqlite') return sqliteFailure(e, source) ?? new SnapshotError(e.message?.includes(source) ? e.message : `Could not copy the SQLite source ${source}: ${e.message}`);
  return pgliteFailure(e, source);
}

/** Runs the snapshot step, turning its failures into snapshotFailure's messages. */
export async function guardSnapshot<T>(engine: SnapshotEngineName, source: string, workDir: string, make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    throw snapshotFailure(error, engine, source, workDir);
  }
}
