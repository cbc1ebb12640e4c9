// Checkpoints for SQL databases: one row per script name in `evolve_checkpoints`, updated in the
// batch's own transaction. Only portable SQL (CREATE TABLE IF NOT EXISTS, SELECT, INSERT, UPDATE) so
// the same code serves PostgreSQL, SQLite and MySQL; adapters supply the query call and placeholders.
import type { Checkpoint, CheckpointStore } from './types.js';

export const DEFAULT_CHECKPOINT_TABLE = 'evolve_checkpoints';

export interface SqlRunner<Tx> {
  /** Runs one statement with positional parameters; returns the rows of a SELECT. */
  query(tx: Tx, sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** `?` (SQLite, MySQL, knex) or `$1` (PostgreSQL drivers). */
  placeholders: 'question' | 'dollar';
}

/**
 * Keys are stored as JSON text. Dates and bigints don't survive plain JSON, so they are tagged;
 * anything else JSON cannot represent is refused up front rather than resumed from a wrong key.
 */
export function encodeKey(key: unknown): string {
  return JSON.stringify(key, function (this: Record<string, unknown>, name, value) {
    const raw = this[name];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (typeof raw === 'function' || typeof raw === 'symbol' || (typeof raw === 'number' && !Number.isFinite(raw))) {
      throw new TypeError(`evolve-runtime: a batch key must be a string, number, bigint, Date or an array/object of those; got ${String(raw)}. Return a plain value from options.key.`);
    }
    return value;
  });
}

export function decodeKey(text: string | null): unknown {
  if (text === null) return null;
  return JSON.parse(text, (_name, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const keys = Object.keys(value);
      if (keys.length === 1 && keys[0] === '$date') return new Date(value.$date);
      if (keys.length === 1 && keys[0] === '$bigint') return BigInt(value.$bigint);
    }
    return value;
  });
}

function checkTableName(table: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(table)) {
    throw new Error(`evolve-runtime: checkpoint table name "${table}" must be a plain identifier (letters, digits, _; optionally schema.table).`);
  }
  return table;
}

export interface SqlCheckpointStore<Tx> extends CheckpointStore<Tx> {
  /** The statement `save` runs, for adapters that send it together with their COMMIT. */
  saveStatement(name: string, checkpoint: Checkpoint): { sql: string; params: (string | number)[] };
}

export function sqlCheckpointStore<Tx>(runner: SqlRunner<Tx>, table = DEFAULT_CHECKPOINT_TABLE): SqlCheckpointStore<Tx> {
  const t = checkTableName(table);
  const p = (n: number) => (runner.placeholders === 'dollar' ? `$${n}` : '?');
  const read = async (tx: Tx, name: string) => {
    const rows = await runner.query(tx, `SELECT last_key, batches, row_count FROM ${t} WHERE name = ${p(1)}`, [name]);
    return rows[0];
  };
  const toCheckpoint = (row: Record<string, unknown>): Checkpoint => ({
    lastKey: decodeKey((row.last_key as string | null) ?? null),
    // PostgreSQL returns BIGINT as a string.
    batches: Number(row.batches),
    rows: Number(row.row_count),
  });
  // Built once: it runs in every batch, and adapters that cache prepared statements look it up by text.
  const saveSql = `UPDATE ${t} SET last_key = ${p(1)}, batches = ${p(2)}, row_count = ${p(3)}, updated_at = ${p(4)} WHERE name = ${p(5)}`;
  const saveStatement = (name: string, checkpoint: Checkpoint) => ({
    sql: saveSql,
    params: [encodeKey(checkpoint.lastKey), checkpoint.batches, checkpoint.rows, new Date().toISOString(), name],
  });
  return {
    saveStatement,
    async open(tx, name, reset) {
      await runner.query(
        tx,
        `CREATE TABLE IF NOT EXISTS ${t} (name VARCHAR(255) NOT NULL PRIMARY KEY, last_key TEXT, batches BIGINT NOT NULL, row_count BIGINT NOT NULL, updated_at VARCHAR(32) NOT NULL)`,
        [],
      );
      const existing = await read(tx, name);
      if (!existing) {
        await runner.query(tx, `INSERT INTO ${t} (name, last_key, batches, row_count, updated_at) VALUES (${p(1)}, NULL, 0, 0, ${p(2)})`, [name, new Date().toISOString()]);
        return { lastKey: null, batches: 0, rows: 0 };
      }
      if (reset) {
        await runner.query(tx, `UPDATE ${t} SET last_key = NULL, batches = 0, row_count = 0, updated_at = ${p(1)} WHERE name = ${p(2)}`, [new Date().toISOString(), name]);
        return { lastKey: null, batches: 0, rows: 0 };
      }
      return toCheckpoint(existing);
    },
    async save(tx, name, checkpoint) {
      const { sql, params } = saveStatement(name, checkpoint);
      await runner.query(tx, sql, params);
    },
  };
}
