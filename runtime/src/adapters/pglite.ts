// PGlite: an in-process PostgreSQL with one connection; its own transaction() queues callers.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';
import type { PgQueryable } from './pg.js';

interface PGliteDatabase<Tx> {
  transaction<T>(callback: (tx: Tx) => Promise<T>): Promise<T>;
}

export function pgliteAdapter<Tx extends PgQueryable>(db: PGliteDatabase<Tx>, options: SqlAdapterOptions = {}): Adapter<Tx> {
  return {
    name: 'pglite',
    transaction: (work) => db.transaction(work),
    checkpoints: sqlCheckpointStore<Tx>(
      { placeholders: 'dollar', query: async (tx, sql, params) => (await tx.query(sql, params)).rows },
      options.checkpointTable,
    ),
  };
}
