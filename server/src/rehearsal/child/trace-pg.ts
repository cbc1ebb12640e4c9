// Traces and fences node-postgres: patches Client.prototype once (Pool, knex, Kysely and the rest
// create their connections from it). connect() is the fence: only the snapshot's socket (PGlite) or
// scratch database (postgres) may be used.
import { performance } from 'node:perf_hooks';
import { classifySql } from './sql-kind';
import type { Tracer, TransactionState } from './tracer';

type AnyFn = (...args: unknown[]) => unknown;
interface PgResult {
  command?: string;
  rowCount?: number | null;
  rows?: unknown[];
}
interface PgClient {
  connectionParameters?: { host?: string; port?: number; database?: string; user?: string };
  host?: string;
  port?: number;
  database?: string;
}
export type PgState = TransactionState;

const states = new WeakMap<object, PgState>();
const patched = new WeakSet<object>();
/** Clients the script connected, to find transactions left open at exit. */
const liveClients = new Set<object>();
/** Evolve's own connections (cloning, counting, lock sampling): neither fenced nor traced. */
export const internalPgClients = new WeakSet<object>();

/** The server (and, for a postgres snapshot, the one database) the script may connect to. */
export interface PgFenceTarget {
  host: string;
  port: number;
  database?: string;
}

function stateOf(client: object): PgState {
  let state = states.get(client);
  if (!state) states.set(client, (state = { openedAt: null }));
  return state;
}

export function openPgTransactions(): number {
  let open = 0;
  for (const client of liveClients) if (stateOf(client).openedAt !== null) open++;
  return open;
}

function queryText(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  const text = (arg as { text?: unknown } | null)?.text;
  return typeof text === 'string' ? text : '';
}

/** Records one query's outcome on a connection (shared with PGlite, whose results look alike). */
export function recordPgResult(tracer: Tracer, state: PgState, sql: string, results: PgResult | PgResult[] | undefined, startedAt?: number): void {
  const list = Array.isArray(results) ? results : [results ?? {}];
  const info = classifySql(sql);
  const wasIn = state.openedAt !== null;
  // Row and table locks taken by a write or DDL are held until the transaction ends.
  if (wasIn && state.lockedAt == null && startedAt !== undefined && (info.write || info.kind === 'ddl')) state.lockedAt = startedAt;
  if (info.control === 'begin' && !wasIn) tracer.transactionOpened(state);
  else if (info.control && info.control !== 'begin' && wasIn) {
    // COMMIT of a failed transaction answers ROLLBACK: report what the server did.
    const rolledBack = info.control === 'rollback' || list.some((r) => r.command === 'ROLLBACK');
    tracer.transactionClosed(state, rolledBack ? 'rollback' : 'commit');
  }
  const rowCount = list.reduce((sum, r) => sum + Number(r.rowCount ?? (r as { affectedRows?: number }).affectedRows ?? 0), 0);
  const isWrite = info.kind === 'insert' || info.kind === 'update' || info.kind === 'delete';
  const read = isWrite ? 0 : list.reduce((sum, r) => sum + (r.rows?.length ?? 0), 0);
  tracer.statement(info, read, isWrite ? rowCount : 0, wasIn || state.openedAt !== null);
}

export { stateOf as pgStateOf };

const LOCAL_HOSTS = ['127.0.0.1', 'localhost', '::1'];

function isSnapshotServer(client: PgClient, allowed: PgFenceTarget | null): boolean {
  if (!allowed) return false;
  const params = client.connectionParameters ?? client;
  const host = params.host ?? 'localhost';
  const sameHost = host === allowed.host || (LOCAL_HOSTS.includes(host) && LOCAL_HOSTS.includes(allowed.host));
  const sameDatabase = allowed.database === undefined || params.database === allowed.database;
  return sameHost && Number(params.port ?? 5432) === allowed.port && sameDatabase;
}

function describeTarget(allowed: PgFenceTarget): string {
  return `${allowed.host}:${allowed.port}${allowed.database ? `/${allowed.database}` : ''}`;
}

/** Patches a pg module's Client in place (pg exports a plain object, so no wrapper is needed). */
export function tracePg(tracer: Tracer, pg: { Client: { prototype: Record<string, AnyFn> } }, allowed: PgFenceTarget | null): void {
  const proto = pg.Client.prototype;
  if (patched.has(proto)) return;
  patched.add(proto);
  const connect = proto.connect;
  proto.connect = function (this: PgClient, ...args: unknown[]) {
    if (internalPgClients.has(this)) return connect.apply(this, args);
    if (!isSnapshotServer(this, allowed)) {
      const p = this.connectionParameters ?? this;
      const error = tracer.fence(
        `Rehearsal fence: the script opened a pg connection to ${p.host ?? 'localhost'}:${p.port ?? 5432}/${(p as { database?: string }).database ?? ''}, which is not the snapshot` +
          (allowed ? ` (${describeTarget(allowed)})` : ' (this rehearsal has no PostgreSQL snapshot)') +
          '. Connect with DATABASE_URL, which points at the snapshot, so the rehearsal cannot touch the real database.',
      );
      const callback = args.find((a) => typeof a === 'function') as AnyFn | undefined;
      if (callback) return void process.nextTick(() => callback(error));
      return Promise.reject(error);
    }
    liveClients.add(this);
    return connect.apply(this, args);
  };
  const end = proto.end;
  proto.end = function (this: object, ...args: unknown[]) {
    if (internalPgClients.has(this)) return end.apply(this, args);
    // A transaction still open when the connection ends is rolled back by the server.
    const state = stateOf(this);
    if (tracer.tracing) tracer.transactionClosed(state, 'rollback');
    liveClients.delete(this);
    return end.apply(this, args);
  };
  const query = proto.query;
  proto.query = function (this: object, ...args: unknown[]) {
    const sql = queryText(args[0]);
    if (!tracer.tracing || !sql || internalPgClients.has(this) || typeof (args[0] as { submit?: unknown }).submit === 'function') return query.apply(this, args);
    const state = stateOf(this);
    const startedAt = performance.now();
    const callbackIndex = args.findIndex((a, i) => i > 0 && typeof a === 'function');
    if (callbackIndex > 0) {
      const callback = args[callbackIndex] as AnyFn;
      args[callbackIndex] = (error: unknown, result: PgResult) => {
        if (error) tracer.driverError(error);
        else recordPgResult(tracer, state, sql, result, startedAt);
        return callback(error, result);
      };
      return query.apply(this, args);
    }
    return (query.apply(this, args) as Promise<PgResult>).then(
      (result) => {
        recordPgResult(tracer, state, sql, result, startedAt);
        return result;
      },
      (error: unknown) => {
        tracer.driverError(error);
        throw error;
      },
    );
  };
}
