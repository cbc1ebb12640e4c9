// Makes the snapshot the script runs against, and counts table rows before and after.
// SQLite: the source is opened read-only and copied under a read transaction, so the copy is
// consistent even while an application writes the source: a plain file copy (a clone where the
// file system can), with SQLite's online backup API as the fallback. PGlite: a copy of the data
// directory, or a dump loaded into a fresh one.
import { chmodSync, constants, copyFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { SnapshotEngineName } from '../protocol';
import { samePath } from './paths';

const ALL_PAGES = 2 ** 31 - 1;

export interface Snapshot {
  engine: SnapshotEngineName;
  /** The SQLite file or the PGlite data directory. */
  path: string;
  bytes: number;
  ms: number;
}

type SqliteCtor = new (filename: string, options?: object) => {
  backup(destination: string, options?: { progress(info: { totalPages: number; remainingPages: number }): number }): Promise<unknown>;
  prepare(sql: string): { all(): unknown[]; run(): unknown; pluck(): { get(): unknown } };
  close(): void;
};

export interface PgliteModule {
  PGlite: (new (dataDir?: string, options?: object) => PgliteInstance) & { create(dataDir?: string, options?: object): Promise<PgliteInstance> };
}
export interface PgliteInstance {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
  waitReady: Promise<void>;
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** The engine refuses to rehearse on the real database: the copy must be somewhere else. */
export function assertNotSource(source: string, snapshot: string): void {
  if (samePath(source, snapshot)) {
    throw new Error(`Refusing to rehearse: the snapshot (${snapshot}) would be the source database itself (${source}).`);
  }
}

export async function snapshotSqlite(Database: SqliteCtor, source: string, workDir: string): Promise<Snapshot> {
  const path = join(workDir, 'snapshot.sqlite');
  assertNotSource(source, path);
  const started = performance.now();
  let db: InstanceType<SqliteCtor>;
  try {
    db = new Database(source, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`Cannot open the SQLite snapshot source ${source}: ${(error as Error).message}`);
  }
  try {
    if (!copyUnderReadLock(Database, db, source, path)) {
      // One step copies every page under one read transaction: a consistent copy even while an
      // application writes (small steps would restart each time another process commits).
      await db.backup(path, { progress: () => ALL_PAGES });
    }
  } finally {
    db.close();
  }
  return { engine: 'sqlite', path, bytes: statSync(path).size, ms: performance.now() - started };
}

/**
 * The fast path, about as fast as `cp` (the backup API walks every page through SQLite's pager,
 * several times slower). It copies the files while this connection holds an open read transaction:
 * - rollback-journal mode: a writer needs an EXCLUSIVE lock to change the database file, which it
 *   cannot get while this SHARED lock is held, so the file's bytes are one committed state;
 * - WAL mode: the read transaction's mark stops any checkpoint from overwriting pages it may read,
 *   and stops the -wal file from being restarted, so the copied database file plus the copied -wal
 *   file hold every frame up to this snapshot (frames appended meanwhile are later commits, and a
 *   frame torn by the copy fails its checksum). Opening the copy recovers it exactly as after a
 *   crash; a checkpoint then folds the -wal file into the snapshot, as the backup API left it.
 * Returns false (nothing copied) whenever the fast path does not apply.
 */
function copyUnderReadLock(Database: SqliteCtor, db: InstanceType<SqliteCtor>, source: string, path: string): boolean {
  const pragma = (name: string) => db.prepare(`PRAGMA ${name}`).pluck().get();
  const wal = String(pragma('journal_mode')).toLowerCase() === 'wal';
  const remove = () => ['', '-wal', '-shm'].forEach((suffix) => rmSync(path + suffix, { force: true }));
  db.prepare('BEGIN').run();
  try {
    // The first read takes the lock (waiting out a writer through the busy timeout) and, reading
    // the schema, checks the file is a database before any byte is copied.
    db.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
    const bytes = Number(pragma('page_count')) * Number(pragma('page_size'));
    try {
      copyFileSync(source, path, constants.COPYFILE_FICLONE);
      // An empty or absent -wal file (all checkpointed, truncated) leaves nothing to copy or fold in.
      if (wal && (statSync(`${source}-wal`, { throwIfNoEntry: false })?.size ?? 0) > 0) copyFileSync(`${source}-wal`, `${path}-wal`, constants.COPYFILE_FICLONE);
    } catch {
      // A file system or platform that refuses the copy (Windows locks bytes of files over 1 GB).
      remove();
      return false;
    }
    // SQLite may leave unused bytes past the last page; fewer bytes would be a torn copy.
    if (!wal && statSync(path).size < bytes) {
      remove();
      return false;
    }
  } finally {
    db.prepare('COMMIT').run();
  }
  // The copies keep the source's mode bits; a read-only source must still give a writable snapshot.
  chmodSync(path, 0o600);
  if (wal && existsSync(`${path}-wal`)) {
    chmodSync(`${path}-wal`, 0o600);
    const copy = new Database(path, { fileMustExist: true });
    try {
      copy.prepare('PRAGMA wal_checkpoint(TRUNCATE)').pluck().get();
    } finally {
      copy.close();
    }
  }
  return true;
}

function isDump(source: string): boolean {
  return statSync(source).isFile();
}

export async function snapshotPglite(pglite: PgliteModule, source: string, workDir: string): Promise<{ snapshot: Snapshot; db: PgliteInstance }> {
  const path = join(workDir, 'pgdata');
  assertNotSource(source, path);
  const started = performance.now();
  let db: PgliteInstance;
  if (isDump(source)) {
    const dump = new Blob([readFileSync(source)]);
    db = await pglite.PGlite.create(path, { loadDataDir: dump });
  } else {
    if (!statSync(join(source, 'PG_VERSION'), { throwIfNoEntry: false })) {
      throw new Error(`${source} is not a PGlite data directory (it has no PG_VERSION file).`);
    }
    cpSync(source, path, { recursive: true });
    // A lock file copied from a running database would stop PGlite from opening the copy.
    rmSync(join(path, 'postmaster.pid'), { force: true });
    db = await pglite.PGlite.create(path);
  }
  await db.waitReady;
  return { snapshot: { engine: 'pglite', path, bytes: sizeOf(path), ms: performance.now() - started }, db };
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function countSqliteTables(Database: SqliteCtor, path: string): Map<string, number> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return new Map(names.map(({ name }) => [name.toLowerCase(), Number(db.prepare(`SELECT count(*) FROM ${quote(name)}`).pluck().get())]));
  } finally {
    db.close();
  }
}

/** Row counts of every table: of a PGlite instance, or of a pg connection to a postgres scratch database. */
export async function countPgliteTables(db: Pick<PgliteInstance, 'query'>): Promise<Map<string, number>> {
  const { rows } = await db.query(
    "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2",
  );
  const counts = new Map<string, number>();
  for (const row of rows) {
    const result = await db.query(`SELECT count(*)::int AS c FROM ${quote(String(row.s))}.${quote(String(row.n))}`);
    counts.set(String(row.n).toLowerCase(), Number(result.rows[0].c));
  }
  return counts;
}
