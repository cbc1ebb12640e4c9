// One rehearsal, in order: check Node, bundle the script, make the snapshot, count rows, install
// tracing and the fence, run the script in its shape, then count rows again.
import Module from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { format } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { REHEARSAL_SINK, type ProgressEvent, type RehearsalSink } from '../../../../runtime/src/progress-events';
import { redactSource, type LockStats, type PgCloneMethod, type SiteReport, type StartCommand } from '../protocol';
import { cutLine } from '../child-output';
import { bundleScript } from './bundle';
import { sendEvent } from './channel';
import { armKillSwitch } from './kill-switch';
import { installModuleHooks, requireFromRoots, type FenceTargets } from './modules';
import { detectShape, runScript, type ScriptContext } from './runners';
import { startSiteLoad } from './site-load';
import { countPgliteTables, countSqliteTables, snapshotPglite, snapshotSqlite, type PgliteInstance, type PgliteModule } from './snapshot';
import { snapshotPostgres, type PostgresSnapshot } from './postgres';
import { guardSnapshot } from './snapshot-errors';
import { openPgTransactions } from './trace-pg';
import { tracePglite } from './trace-pglite';
import { unrefPgliteTimers } from './pglite-timers';
import { countProductionTables } from './production-counts';
import { comparePgliteTables, compareSqliteTables, type PgliteFactory, type ReadonlySqlite } from './table-hash';
import { openSqliteDatabases, openSqliteTransactions } from './trace-sqlite';
import { Tracer, type FenceError } from './tracer';

export interface RunState {
  tracer: Tracer | null;
  snapshot: { path: string; bytes: number; ms: number; method?: PgCloneMethod } | null;
  locks: LockStats | null;
  before: Map<string, number>;
  after: Map<string, number> | null;
  openAtExit: number;
  scriptStartedAt: number | null;
  /** When the script settled (or failed): the report's duration is the script's alone, not the end-of-run counts after it. */
  scriptEndedAt?: number;
  /** --site-load: what the simulated site felt (null without site load, or when the site gave no report). */
  site: SiteReport | null;
  /** Run last-first when the child ends: close connections, stop the socket server. */
  cleanup: (() => unknown)[];
  /** Run in order on every exit path before the report is sent: drop the postgres scratch database. */
  finalize: (() => Promise<void>)[];
}

interface Control {
  signal: AbortSignal;
  checkParent(): void;
}

class SetupError extends Error {
  override name = 'RehearsalSetupError';
}

type SqliteCtor = Parameters<typeof snapshotSqlite>[0];

/** Rejects when the script fails outside its own promise: an uncaught error, a fence hit or process.exit. */
function outOfBandFailures(): { promise: Promise<never>; fail(error: unknown): void; exited: Promise<void>; exit(code: number): void } {
  let fail!: (error: unknown) => void;
  let exit!: (code: number) => void;
  const promise = new Promise<never>((_, reject) => (fail = reject));
  const exited = new Promise<void>((resolve, reject) => {
    exit = (code) => (code === 0 ? resolve() : reject(new Error(`The script called process.exit(${code}).`)));
  });
  promise.catch(() => undefined);
  exited.catch(() => undefined);
  return { promise, fail, exited, exit };
}

export async function rehearse(command: StartCommand, state: RunState, control: Control): Promise<void> {
  const roots = { workspace: command.workspace, evolveRoot: command.evolveRoot };
  // The heap limit names the cause should the script run out of memory (V8 only says it did).
  const heapLimitMb = Math.round(getHeapStatistics().heap_size_limit / 1024 / 1024);
  sendEvent({ type: 'started', pid: process.pid, node: process.version, script: command.script, heapLimitMb });
  if (command.siteLoad && command.engine === 'pglite') {
    throw new SetupError('--site-load needs SQLite or PostgreSQL: PGlite serves a single connection, so a site cannot run beside the script.');
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major < command.minNodeMajor) {
    throw new SetupError(
      `The Node that runs rehearsals (${process.execPath}, v${process.versions.node}) is too old: Evolve needs Node ${command.minNodeMajor} or newer. ` +
        'Install a newer Node or point evolve.nodePath (or --node) at one.',
    );
  }
  const bundle = await bundleScript(command.script, command.workDir, roots);

  let Database: SqliteCtor | null = null;
  let pgliteDb: PgliteInstance | null = null;
  let pglite: PgliteModule | null = null;
  let postgres: PostgresSnapshot | null = null;
  let databaseUrl: string;
  const fence: FenceTargets = { sqlitePath: null, pgliteDir: null, pgServer: null };
  if (command.engine === 'sqlite') {
    const Sqlite = requireFromRoots('better-sqlite3', roots) as SqliteCtor;
    Database = Sqlite;
    [state.snapshot, state.before] = await guardSnapshot('sqlite', command.source, command.workDir, async () => {
      const made = await snapshotSqlite(Sqlite, command.source, command.workDir);
      return [made, countSqliteTables(Sqlite, made.path)] as const;
    });
    fence.sqlitePath = state.snapshot.path;
    databaseUrl = `file:${state.snapshot.path}`;
  } else if (command.engine === 'postgres') {
    postgres = await snapshotPostgres(command, roots, control.signal, state.finalize);
    state.snapshot = postgres.snapshot;
    state.before = await postgres.countTables();
    fence.pgServer = postgres.fence;
    databaseUrl = postgres.url;
  } else {
    unrefPgliteTimers();
    pglite = requireFromRoots('@electric-sql/pglite', roots) as PgliteModule;
    const module = pglite;
    const made = await guardSnapshot('pglite', command.source, command.workDir, async () => {
      const copy = await snapshotPglite(module, command.source, command.workDir);
      state.cleanup.push(() => copy.db.close());
      return { ...copy, before: await countPgliteTables(copy.db) };
    });
    pgliteDb = made.db;
    state.snapshot = made.snapshot;
    state.before = made.before;
    const { PGLiteSocketServer } = requireFromRoots('@electric-sql/pglite-socket', roots) as {
      PGLiteSocketServer: new (o: object) => { start(): Promise<void>; stop(): Promise<void>; getServerConn(): string };
    };
    const server = new PGLiteSocketServer({ db: pgliteDb, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    state.cleanup.push(() => server.stop());
    // Plain scripts end when their event loop drains: the listening socket must not keep it alive.
    (server as unknown as { server?: { unref(): void } }).server?.unref();
    const port = Number(server.getServerConn().split(':').pop());
    fence.pgliteDir = state.snapshot.path;
    fence.pgServer = { host: '127.0.0.1', port };
    databaseUrl = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
  }
  if (command.countSource) countProduction(command.countSource, roots);
  process.env.DATABASE_URL = databaseUrl;
  process.env.EVOLVE_SNAPSHOT = postgres ? databaseUrl : state.snapshot.path;
  process.env.EVOLVE_REHEARSAL = '1';
  sendEvent({ type: 'snapshot-ready', engine: command.engine, path: state.snapshot.path, bytes: state.snapshot.bytes, ms: state.snapshot.ms, databaseUrl: redactSource(databaseUrl) });
  // The site starts before the script: its baseline window is measured on the untouched snapshot.
  const site = command.siteLoad ? await startSiteLoad(command, postgres ? databaseUrl : state.snapshot.path, control.signal) : null;
  if (site) state.finalize.unshift(async () => site.kill());

  const failures = outOfBandFailures();
  const tracer = new Tracer(state.before, { onTick: control.checkParent, onFence: (error: FenceError) => failures.fail(error) });
  state.tracer = tracer;
  installModuleHooks(tracer, fence, roots, bundle, dirname(command.script));
  // The snapshot's own PGlite was loaded before the hooks: trace it too (it is the script's `db`).
  if (pglite) tracePglite(tracer, pglite as unknown as Record<string, unknown>, fence.pgliteDir);
  const killSwitch = command.killAt ? armKillSwitch(tracer, command.killAt) : null;
  const emit = (event: ProgressEvent) => {
    tracer.runtimeEvent(event);
    killSwitch?.onRuntimeEvent(event);
  };
  (globalThis as Record<symbol, unknown>)[REHEARSAL_SINK] = { emit } satisfies RehearsalSink;
  process.on('uncaughtException', failures.fail);
  process.on('unhandledRejection', failures.fail);
  process.exit = ((code?: number) => failures.exit(Number(code ?? 0))) as typeof process.exit;

  const snapshotPath = state.snapshot.path;
  const ctx: ScriptContext = {
    engine: command.engine,
    snapshotPath,
    databaseUrl,
    script: command.script,
    signal: control.signal,
    log: (...args) => sendEvent({ type: 'log', stream: 'script', line: cutLine(format(...args)) }),
    openDb: async () => {
      if (pgliteDb) return pgliteDb;
      if (postgres) return postgres.openPool();
      const Traced = requireFromRoots('better-sqlite3', roots) as SqliteCtor;
      const db = new Traced(snapshotPath);
      state.cleanup.push(() => db.close());
      return db;
    },
    requireLib: (name) => requireFromRoots(name, roots),
    plainScriptDone: () =>
      new Promise<void>((resolve) => {
        process.stdin.unref();
        process.once('beforeExit', () => resolve());
      }),
  };

  site?.run();
  state.scriptStartedAt = performance.now();
  tracer.sendProgress();
  const run = async () => {
    const exports = (Module as unknown as { _load(r: string, p: unknown, m: boolean): unknown })._load(bundle, null, false);
    const shape = detectShape(exports, readFileSync(command.script, 'utf8'), command.runner.runner);
    await runScript(ctx, shape, exports, command.runner.transaction);
  };
  try {
    await Promise.race([run(), failures.promise, failures.exited]);
  } finally {
    state.scriptEndedAt = performance.now();
    tracer.sendProgress();
    // The run window ends with the script, before the end-of-run counts add load of their own.
    if (site) state.site = await site.stop();
    state.openAtExit = countOpenTransactions(pgliteDb);
    // Closing the script's connections rolls back what it left open, as its exit would.
    for (const db of openSqliteDatabases) (db as unknown as { close(): void }).close();
    tracer.internal++;
    state.after = postgres ? await postgres.countTables().catch(() => null) : await countTablesAfter(Database, pgliteDb, snapshotPath);
    if (postgres) state.locks = await postgres.lockStats(tracer.longestLockHeldMs);
    if (command.compareWith) await compareWithReference(Database, pglite && pgliteDb ? { PGlite: pglite.PGlite, db: pgliteDb } : null, snapshotPath, command.compareWith);
  }
}

/** ETA: the production database's row counts. A failure is a warning: the ETA then uses the snapshot's. */
function countProduction(path: string, roots: { workspace: string; evolveRoot: string }): void {
  try {
    const Database = requireFromRoots('better-sqlite3', roots) as unknown as Parameters<typeof countProductionTables>[0];
    sendEvent({ type: 'production-counts', tables: countProductionTables(Database, path, path) });
  } catch (error) {
    sendEvent({ type: 'log', stream: 'stderr', line: `evolve: ${(error as Error).message}` });
  }
}

/** Resume check: the end state against the uninterrupted run's, sent before the report. */
async function compareWithReference(Database: SqliteCtor | null, pg: { PGlite: unknown; db: PgliteInstance } | null, snapshotPath: string, referencePath: string): Promise<void> {
  try {
    if (!Database && !pg) throw new Error('the resume check compares SQLite and PGlite snapshots only');
    const tables = pg
      ? await comparePgliteTables(pg.PGlite as PgliteFactory, pg.db, referencePath)
      : compareSqliteTables(Database as unknown as ReadonlySqlite, snapshotPath, referencePath);
    sendEvent({ type: 'tables-compared', tables });
  } catch (error) {
    sendEvent({ type: 'log', stream: 'stderr', line: `evolve: could not compare the tables with the reference run: ${(error as Error).message}` });
  }
}

async function countTablesAfter(Database: SqliteCtor | null, pgliteDb: PgliteInstance | null, snapshotPath: string): Promise<Map<string, number> | null> {
  try {
    if (!pgliteDb) return countSqliteTables(Database as SqliteCtor, snapshotPath);
    if ((pgliteDb as unknown as { isInTransaction(): boolean }).isInTransaction()) await pgliteDb.query('ROLLBACK');
    return await countPgliteTables(pgliteDb);
  } catch {
    return null;
  }
}

function countOpenTransactions(pgliteDb: PgliteInstance | null): number {
  // PGlite is one session: transactions opened through the socket or the instance are all its own.
  if (pgliteDb) return (pgliteDb as unknown as { isInTransaction(): boolean }).isInTransaction() ? 1 : 0;
  return openSqliteTransactions() + openPgTransactions();
}
