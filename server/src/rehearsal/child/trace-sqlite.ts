// Traces and fences better-sqlite3: wraps the Database constructor (the fence: only the snapshot,
// or an in-memory database, may be opened) and patches the shared Statement and Database
// prototypes once, so every connection, including knex's and Kysely's, is traced. db.transaction()
// runs prepared BEGIN/COMMIT/ROLLBACK statements, so the statement patch sees its transactions too.
import { classifySql, splitStatements, type SqlInfo } from './sql-kind';
import type { Tracer, TransactionState } from './tracer';
import { samePath } from './paths';

type AnyFn = (...args: unknown[]) => unknown;
interface SqliteDatabase {
  inTransaction: boolean;
  name: string;
  memory: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
}
interface SqliteStatement {
  source: string;
  pluck(): { get(): unknown };
  reader: boolean;
  database: SqliteDatabase;
}
export type DatabaseConstructor = (new (filename?: string, options?: object) => SqliteDatabase) & Record<string, unknown>;

const patched = new WeakSet<object>();

type DbState = TransactionState;
const states = new WeakMap<object, DbState>();

function stateOf(db: SqliteDatabase): DbState {
  let state = states.get(db);
  if (!state) states.set(db, (state = { openedAt: null }));
  return state;
}

/** Notes a transaction opened or closed by a BEGIN/COMMIT/ROLLBACK statement (or by SQLite itself). */
function transition(tracer: Tracer, db: SqliteDatabase, state: DbState, sql: string): void {
  const isIn = db.inTransaction;
  if (state.openedAt === null && isIn) tracer.transactionOpened(state);
  else if (state.openedAt !== null && !isIn) tracer.transactionClosed(state, classifySql(sql).control === 'rollback' ? 'rollback' : 'commit');
}

/** Per statement, stored on it: its SQL's classification and its connection's state (getters cross into C++). */
const DESCRIBED = Symbol('evolve.described');
interface Described {
  info: SqlInfo;
  db: SqliteDatabase;
  state: DbState;
}

function describe(stmt: SqliteStatement & { [DESCRIBED]?: Described }): Described {
  let d = stmt[DESCRIBED];
  if (!d) {
    const db = stmt.database;
    d = stmt[DESCRIBED] = { info: classifySql(stmt.source), db, state: stateOf(db) };
  }
  return d;
}

function failed(tracer: Tracer, d: Described, stmt: SqliteStatement, wasIn: boolean, error: unknown): void {
  tracer.driverError(error);
  // A failed statement can end the transaction (SQLite rolls back on some errors).
  if (d.info.kind === 'transaction' || wasIn) transition(tracer, d.db, d.state, stmt.source);
}

/** After a statement ran: only BEGIN/COMMIT/ROLLBACK change the state, so SQLite is asked after those alone. */
function counted(tracer: Tracer, d: Described, stmt: SqliteStatement, read: number, written: number, wasIn: boolean): void {
  if (d.info.kind === 'transaction') transition(tracer, d.db, d.state, stmt.source);
  tracer.statement(d.info, read, written, wasIn || d.state.openedAt !== null);
}

type Traced = SqliteStatement & { [DESCRIBED]?: Described };

/**
 * The hottest path of a traced script: one call per statement run. Each method has its own wrapper
 * (V8 then specialises each on its one result shape) that calls `original.apply(this, arguments)`
 * itself, which V8 compiles to a direct call without materialising `arguments`; a shared helper
 * taking `arguments` and the method's name allocated per statement and cost about 3x as much.
 */
function patchStatement(tracer: Tracer, proto: Record<string, AnyFn>): void {
  const { run, get, all } = proto;
  proto.run = function (this: Traced) {
    if (!tracer.tracing) return run.apply(this, arguments as unknown as unknown[]);
    const d = this[DESCRIBED] ?? describe(this);
    const wasIn = d.state.openedAt !== null;
    let result: { changes?: number };
    try {
      result = run.apply(this, arguments as unknown as unknown[]) as { changes?: number };
    } catch (error) {
      failed(tracer, d, this, wasIn, error);
      throw error;
    }
    counted(tracer, d, this, 0, Number(result.changes ?? 0), wasIn);
    return result;
  };
  // INSERT/UPDATE/DELETE ... RETURNING read through get()/all(): the returned rows were written.
  proto.get = function (this: Traced) {
    if (!tracer.tracing) return get.apply(this, arguments as unknown as unknown[]);
    const d = this[DESCRIBED] ?? describe(this);
    const wasIn = d.state.openedAt !== null;
    let result: unknown;
    try {
      result = get.apply(this, arguments as unknown as unknown[]);
    } catch (error) {
      failed(tracer, d, this, wasIn, error);
      throw error;
    }
    const rows = result === undefined ? 0 : 1;
    counted(tracer, d, this, d.info.write ? 0 : rows, d.info.write ? rows : 0, wasIn);
    return result;
  };
  proto.all = function (this: Traced) {
    if (!tracer.tracing) return all.apply(this, arguments as unknown as unknown[]);
    const d = this[DESCRIBED] ?? describe(this);
    const wasIn = d.state.openedAt !== null;
    let result: unknown[];
    try {
      result = all.apply(this, arguments as unknown as unknown[]) as unknown[];
    } catch (error) {
      failed(tracer, d, this, wasIn, error);
      throw error;
    }
    const rows = result.length;
    counted(tracer, d, this, d.info.write ? 0 : rows, d.info.write ? rows : 0, wasIn);
    return result;
  };
  const iterate = proto.iterate;
  proto.iterate = function* (this: SqliteStatement, ...args: unknown[]) {
    const rows = iterate.apply(this, args) as Iterable<unknown>;
    if (!tracer.tracing) return yield* rows;
    let read = 0;
    try {
      for (const row of rows) {
        read++;
        yield row;
      }
    } finally {
      const { info, state } = describe(this);
      tracer.statement(info, read, 0, state.openedAt !== null);
    }
  };
}

function patchDatabase(tracer: Tracer, proto: Record<string, AnyFn>): void {
  const exec = proto.exec;
  proto.exec = function (this: SqliteDatabase, sql: unknown) {
    if (!tracer.tracing || typeof sql !== 'string') return exec.call(this, sql);
    const wasIn = this.inTransaction;
    const changes = () => Number(this.prepare('SELECT total_changes()').pluck().get());
    tracer.internal++;
    const before = changes();
    tracer.internal--;
    try {
      return exec.call(this, sql);
    } catch (error) {
      tracer.driverError(error);
      throw error;
    } finally {
      tracer.internal++;
      const written = changes() - before;
      tracer.internal--;
      const parts = splitStatements(sql);
      parts.forEach((part, i) => tracer.statement(classifySql(part), 0, i === parts.length - 1 ? written : 0, wasIn || this.inTransaction));
      transition(tracer, this, stateOf(this), parts.at(-1) ?? '');
    }
  };
}

/** Databases the script opened, to find transactions left open at exit. */
export const openSqliteDatabases = new Set<SqliteDatabase>();

export function openSqliteTransactions(): number {
  let open = 0;
  for (const db of openSqliteDatabases) {
    try {
      if (db.inTransaction) open++;
    } catch {
      /* closed */
    }
  }
  return open;
}

/** Fenced constructors, and the one made for each original: the same driver reached by several paths gets one. */
const fencedConstructors = new WeakSet<DatabaseConstructor>();
const fencedFor = new WeakMap<DatabaseConstructor, DatabaseConstructor>();

/** Wraps a better-sqlite3 module's export: the fenced, traced Database constructor. */
export function traceBetterSqlite3(tracer: Tracer, Database: DatabaseConstructor, snapshotPath: string | null): DatabaseConstructor {
  if (fencedConstructors.has(Database)) return Database;
  const known = fencedFor.get(Database);
  if (known) return known;
  if (!patched.has(Database)) {
    patched.add(Database);
    const probe = new Database(':memory:');
    patchStatement(tracer, Object.getPrototypeOf(probe.prepare('SELECT 1')));
    patchDatabase(tracer, Database.prototype as Record<string, AnyFn>);
    (probe as unknown as { close(): void }).close();
  }
  const Fenced = function (this: unknown, filename?: unknown, options?: object) {
    const name = typeof filename === 'string' ? filename : '';
    const inMemory = name === '' || name === ':memory:' || Buffer.isBuffer(filename);
    if (!inMemory && (snapshotPath === null || !samePath(name.replace(/^file:/, ''), snapshotPath))) {
      throw tracer.fence(
        `Rehearsal fence: the script opened a better-sqlite3 connection to "${name}", which is not the snapshot` +
          (snapshotPath ? ` (${snapshotPath})` : '') +
          '. Use the `db` Evolve passes to the script, or EVOLVE_SNAPSHOT / DATABASE_URL, so the rehearsal cannot touch the real database.',
      );
    }
    const db = new Database(filename as string, options);
    openSqliteDatabases.add(db);
    return db;
  } as unknown as DatabaseConstructor;
  Object.setPrototypeOf(Fenced, Database);
  (Fenced as unknown as { prototype: unknown }).prototype = Database.prototype;
  fencedConstructors.add(Fenced);
  fencedFor.set(Database, Fenced);
  return Fenced;
}
