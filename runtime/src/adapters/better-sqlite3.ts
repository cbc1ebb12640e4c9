// better-sqlite3 is synchronous and its db.transaction() refuses async functions, so the
// transaction is opened by hand. BEGIN IMMEDIATE takes the write lock up front: a busy database
// fails fast with SQLITE_BUSY (retried) instead of deadlocking when a reader tries to upgrade.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

export interface BetterSqlite3Database {
  exec(sql: string): unknown;
  prepare(sql: string): { reader: boolean; all(...params: unknown[]): unknown[]; run(...params: unknown[]): unknown };
  readonly inTransaction: boolean;
}

export interface BetterSqlite3AdapterOptions extends SqlAdapterOptions {
  /** How each batch's transaction begins; default IMMEDIATE. */
  begin?: 'IMMEDIATE' | 'DEFERRED' | 'EXCLUSIVE';
}

export function betterSqlite3Adapter<Db extends BetterSqlite3Database>(db: Db, options: BetterSqlite3AdapterOptions = {}): Adapter<Db> {
  const statements = new Map<string, ReturnType<Db['prepare']>>();
  const prepared = (sql: string) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql) as ReturnType<Db['prepare']>));
    return statement;
  };
  const begin = `BEGIN ${options.begin ?? 'IMMEDIATE'}`;
  return {
    name: 'better-sqlite3',
    async transaction(work) {
      db.exec(begin);
      try {
        const result = await work(db);
        db.exec('COMMIT');
        return result;
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    },
    checkpoints: sqlCheckpointStore<Db>(
      {
        placeholders: 'question',
        async query(_db, sql, params) {
          // DDL changes the schema, which invalidates cached statements: never cache it.
          if (sql.startsWith('CREATE')) return db.prepare(sql).run(...params), [];
          const statement = prepared(sql);
          return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
        },
      },
      options.checkpointTable,
    ),
  };
}
