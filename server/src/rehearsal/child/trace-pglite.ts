// Traces and fences PGlite: the exported class is replaced by a proxy that checks the data
// directory before PGlite opens it (the fence), and the query methods of its prototype are patched.
import { samePath } from './paths';
import { pgStateOf, recordPgResult, type PgState } from './trace-pg';
import { splitStatements } from './sql-kind';
import type { Tracer } from './tracer';

type AnyFn = (...args: unknown[]) => unknown;
type Results = { rows?: unknown[]; affectedRows?: number };
type PGliteLike = object;

const wrappedModules = new WeakMap<object, object>();
const patched = new WeakSet<object>();

function dataDirOf(args: unknown[]): string | undefined {
  const [first, second] = args;
  if (typeof first === 'string') return first;
  const options = (first ?? second) as { dataDir?: unknown } | undefined;
  return typeof options?.dataDir === 'string' ? options.dataDir : undefined;
}

function isAllowed(dataDir: string | undefined, snapshotDir: string | null): boolean {
  if (dataDir === undefined || dataDir === '' || dataDir.startsWith('memory://')) return true;
  const path = dataDir.replace(/^file:\/\//, '');
  return snapshotDir !== null && samePath(path, snapshotDir);
}

function traceQueries(tracer: Tracer, target: Record<string, AnyFn>, stateFor: (self: object) => PgState): void {
  const query = target.query;
  target.query = async function (this: object, sql: unknown, ...rest: unknown[]) {
    if (!tracer.tracing || typeof sql !== 'string') return query.call(this, sql, ...rest);
    try {
      const result = (await query.call(this, sql, ...rest)) as Results;
      recordPgResult(tracer, stateFor(this), sql, result);
      return result;
    } catch (error) {
      tracer.driverError(error);
      throw error;
    }
  };
  const exec = target.exec;
  target.exec = async function (this: object, sql: unknown, ...rest: unknown[]) {
    if (!tracer.tracing || typeof sql !== 'string') return exec.call(this, sql, ...rest);
    try {
      const results = (await exec.call(this, sql, ...rest)) as Results[];
      const state = stateFor(this);
      splitStatements(sql).forEach((part, i) => recordPgResult(tracer, state, part, results[i]));
      return results;
    } catch (error) {
      tracer.driverError(error);
      throw error;
    }
  };
}

function patchPrototype(tracer: Tracer, PGlite: { prototype: object }): void {
  let proto: Record<string, AnyFn> | null = PGlite.prototype as Record<string, AnyFn>;
  while (proto && !Object.prototype.hasOwnProperty.call(proto, 'query')) proto = Object.getPrototypeOf(proto);
  if (!proto || patched.has(proto)) return;
  patched.add(proto);
  traceQueries(tracer, proto, pgStateOf);
  const transaction = proto.transaction;
  proto.transaction = async function (this: unknown, callback: unknown) {
    if (!tracer.tracing) return transaction.call(this, callback);
    const inTransaction: PgState = { openedAt: null };
    tracer.transactionOpened(inTransaction);
    let rolledBack = false;
    try {
      const result = await transaction.call(this, (tx: Record<string, AnyFn>) => {
        // The tx object's methods bypass the prototype: trace them, counting as inside the transaction.
        traceQueries(tracer, tx, () => inTransaction);
        const rollback = tx.rollback;
        tx.rollback = async (...args: unknown[]) => {
          rolledBack = true;
          return rollback(...args);
        };
        return (callback as AnyFn)(tx);
      });
      tracer.transactionClosed(inTransaction, rolledBack ? 'rollback' : 'commit');
      return result;
    } catch (error) {
      tracer.driverError(error);
      tracer.transactionClosed(inTransaction, 'rollback');
      throw error;
    }
  };
}

/** Wraps an @electric-sql/pglite module's exports: the fenced PGlite class, traced. */
export function tracePglite(tracer: Tracer, exports: Record<string, unknown>, snapshotDir: string | null): object {
  const cached = wrappedModules.get(exports);
  if (cached) return cached;
  const PGlite = exports.PGlite as (new (...args: unknown[]) => PGliteLike) & { create: AnyFn; prototype: object };
  patchPrototype(tracer, PGlite);
  const check = (args: unknown[]) => {
    const dataDir = dataDirOf(args);
    if (!isAllowed(dataDir, snapshotDir)) {
      throw tracer.fence(
        `Rehearsal fence: the script opened a PGlite database at "${dataDir}", which is not the snapshot` +
          (snapshotDir ? ` (${snapshotDir})` : ' (this rehearsal has no PGlite snapshot)') +
          '. Use the `db` Evolve passes to the script or DATABASE_URL, so the rehearsal cannot touch the real database.',
      );
    }
  };
  const Fenced = new Proxy(PGlite, {
    construct(target, args, newTarget) {
      check(args);
      return Reflect.construct(target, args, newTarget) as PGliteLike;
    },
    get(target, key, receiver) {
      if (key !== 'create') return Reflect.get(target, key, receiver);
      return async (...args: unknown[]) => {
        check(args);
        return (await target.create(...args)) as PGliteLike;
      };
    },
  });
  const wrapped: Record<string, unknown> = {};
  for (const key of Object.keys(exports)) wrapped[key] = exports[key];
  wrapped.PGlite = Fenced;
  wrappedModules.set(exports, wrapped);
  return wrapped;
}
