// knex: knex.transaction(fn) commits when fn resolves. Checkpoints go through trx.raw with `?`
// bindings, which knex rewrites for the dialect; the result shape of raw() differs per driver.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

interface KnexTransactionLike {
  raw(sql: string, bindings: readonly unknown[]): PromiseLike<unknown>;
}

interface KnexLike<Trx> {
  transaction<T>(scope: (trx: Trx) => Promise<T> | void, config?: { isolationLevel?: string }): Promise<T>;
}

export interface KnexAdapterOptions extends SqlAdapterOptions {
  isolationLevel?: 'read uncommitted' | 'read committed' | 'snapshot' | 'repeatable read' | 'serializable';
}

/** pg: { rows }, SQLite: rows, MySQL: [rows, fields]. */
function rawRows(result: unknown): Record<string, unknown>[] {
  if (Array.isArray(result)) return (Array.isArray(result[0]) ? result[0] : result) as Record<string, unknown>[];
  return ((result as { rows?: Record<string, unknown>[] } | undefined)?.rows ?? []);
}

export function knexAdapter<Trx extends KnexTransactionLike>(knex: KnexLike<Trx>, options: KnexAdapterOptions = {}): Adapter<Trx> {
  const config = options.isolationLevel ? { isolationLevel: options.isolationLevel } : undefined;
  return {
    name: 'knex',
    transaction: (work) => knex.transaction((trx) => work(trx), config),
    checkpoints: sqlCheckpointStore<Trx>(
      { placeholders: 'question', query: async (trx, sql, params) => rawRows(await trx.raw(sql, params)) },
      options.checkpointTable,
    ),
  };
}
