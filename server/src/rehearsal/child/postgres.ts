// The postgres engine's set-up in the child: sweep old scratch databases, clone the source into a
// fresh one (pg-clone.ts), and hand the rehearsal its URL, its fence target, the script's Pool,
// row counts and lock sampling. Every exit path drops the scratch database (unless kept).
import { performance } from 'node:perf_hooks';
import type { LockStats, PgCloneMethod, StartCommand } from '../protocol';
import { redactSource } from '../protocol';
import { requireFromRoots, type ModuleRoots } from './modules';
import { cloneDatabase } from './pg-clone';
import { LockSampler } from './pg-locks';
import { connectInternal, connectMaintenance, databaseOf, dropScratch, dropScratchOrExplain, markKept, scratchName, sweepScratchDatabases, withDatabase, type PgModule } from './pg-scratch';
import { countPgliteTables } from './snapshot';
import type { PgFenceTarget } from './trace-pg';

export interface PostgresSnapshot {
  /** The scratch database's URL, with the password: the script needs it. */
  url: string;
  fence: PgFenceTarget;
  snapshot: { path: string; bytes: number; ms: number; method: PgCloneMethod };
  countTables(): Promise<Map<string, number>>;
  /** A pg Pool on the scratch database (traced: created after the hooks are installed). */
  openPool(): unknown;
  /** Stops lock sampling and returns what it saw. */
  lockStats(longestHeldMs: number): Promise<LockStats>;
}

function sameServer(a: string, b: string): boolean {
  const [x, y] = [new URL(a), new URL(b)];
  return x.hostname === y.hostname && (x.port || '5432') === (y.port || '5432');
}

/**
 * Clones the source. `finalize` receives the step that drops the scratch database (or marks it
 * kept), registered before the clone starts so that a failed or cancelled clone leaves nothing.
 */
export async function snapshotPostgres(command: StartCommand, roots: ModuleRoots, signal: AbortSignal, finalize: (() => Promise<void>)[]): Promise<PostgresSnapshot> {
  const pg = requireFromRoots('pg', roots) as PgModule;
  const server = command.target ?? command.source;
  const started = performance.now();
  const admin = await connectMaintenance(pg, server);
  const name = scratchName();
  const url = withDatabase(server, name);
  let made = false;
  finalize.push(async () => {
    try {
      if (command.keep && made) await markKept(admin, name);
      else await dropScratchOrExplain(pg, admin, server, name);
    } finally {
      await admin.end().catch(() => undefined);
    }
  });
  await sweepScratchDatabases(admin);
  const method = await cloneDatabase({ pg, admin, sourceUrl: command.source, scratchUrl: url, sameServer: sameServer(command.source, server), signal }, () => dropScratch(admin, name));
  made = true;
  const ms = performance.now() - started;
  const { rows } = await admin.query<{ bytes: string }>('SELECT pg_database_size($1)::text AS bytes', [name]);
  // Evolve's own connection to the scratch database: counts rows and samples locks. While it is
  // open, a sweep by another rehearsal leaves this database alone.
  const watcher = await connectInternal(pg, url);
  finalize.unshift(() => watcher.end().catch(() => undefined));
  const sampler = new LockSampler(watcher, name);
  sampler.start();
  const target = new URL(server);
  return {
    url,
    fence: { host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 5432), database: databaseOf(url) },
    snapshot: { path: redactSource(url), bytes: Number(rows[0].bytes), ms, method },
    countTables: () => countPgliteTables(watcher),
    openPool: () => {
      const Pool = (requireFromRoots('pg', roots) as PgModule).Pool;
      const pool = new Pool({ connectionString: url });
      finalize.unshift(() => pool.end().catch(() => undefined));
      return pool;
    },
    lockStats: (longestHeldMs) => sampler.stop(longestHeldMs),
  };
}
