// Kysely: db.transaction().execute(fn). Checkpoint statements are plain SQL run through
// executeQuery without plugins (a CamelCasePlugin would rename the columns we read back), with
// the dialect's own parameter placeholders, found by compiling a one-parameter query.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

/** What the adapter calls on Kysely (typed loosely: Kysely's own types are generic over the schema). */
interface KyselyQueryable {
  withoutPlugins(): KyselyQueryable;
  selectFrom(table: any): any;
  executeQuery(query: any): Promise<{ rows: unknown[] }>;
}

interface KyselyDatabase<Trx> {
  transaction(): { setIsolationLevel(level: any): { execute<T>(fn: (trx: Trx) => Promise<T>): Promise<T> }; execute<T>(fn: (trx: Trx) => Promise<T>): Promise<T> };
}

export interface KyselyAdapterOptions extends SqlAdapterOptions {
  isolationLevel?: 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable' | 'snapshot';
}

function rawQuery(sql: string, parameters: unknown[]) {
  // The shape of Kysely's CompiledQuery for raw SQL (CompiledQuery.raw), built here so the
  // adapter needs no import of kysely itself.
  return { sql, parameters, query: { kind: 'RawNode', sqlFragments: [sql], parameters: [] }, queryId: { queryId: 'evolve-runtime-checkpoint' } };
}

/** Trx is Kysely's Transaction<DB>, inferred from db. */
export function kyselyAdapter<Trx>(db: KyselyDatabase<Trx>, options: KyselyAdapterOptions = {}): Adapter<Trx> {
  const probe = (db as unknown as KyselyQueryable).selectFrom('evolve_probe').selectAll().where('x', '=', 1).compile().sql;
  const placeholders = probe.includes('$1') ? 'dollar' : 'question';
  return {
    name: 'kysely',
    transaction(work) {
      const builder = db.transaction();
      return (options.isolationLevel ? builder.setIsolationLevel(options.isolationLevel) : builder).execute(work);
    },
    checkpoints: sqlCheckpointStore<Trx>(
      { placeholders, query: async (trx, sql, params) => (await (trx as KyselyQueryable).withoutPlugins().executeQuery(rawQuery(sql, params))).rows as Record<string, unknown>[] },
      options.checkpointTable,
    ),
  };
}
