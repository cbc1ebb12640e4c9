// node-postgres: with a Pool, each batch checks out one client for its transaction and returns it;
// with a Client (or a client already checked out), batches run on that connection.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, Checkpoint, SqlAdapterOptions } from '../types.js';

/** The part of a pg Client / PoolClient a batch uses. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
  /** pg's Client has it; used to send the checkpoint with the COMMIT. */
  escapeLiteral?(value: string): string;
}

interface PgPool {
  connect(): Promise<PgQueryable & { release(destroy?: boolean | Error): void }>;
  readonly totalCount: number;
}

export interface PgAdapterOptions extends SqlAdapterOptions {
  /** Isolation of each batch's transaction; default the server's (read committed). */
  isolationLevel?: 'read committed' | 'repeatable read' | 'serializable';
}

function isPool(db: unknown): db is PgPool {
  return typeof db === 'object' && db !== null && 'totalCount' in db && typeof (db as PgPool).connect === 'function';
}

/**
 * The checkpoint UPDATE of a batch, held back to travel in the same round trip as its COMMIT: a
 * batch then costs the server no more round trips than a hand-written loop's.
 */
const checkpointWithCommit = new WeakMap<object, string>();

/**
 * Runs `work` between BEGIN and COMMIT on one connection. When even ROLLBACK fails the connection is
 * unusable: `onBroken` hears of it, and the original error is the one thrown.
 */
async function inTransaction<C extends PgQueryable, T>(client: C, begin: string, work: (tx: C) => Promise<T>, onBroken: (e: unknown) => void): Promise<T> {
  await client.query(begin);
  try {
    const result = await work(client);
    const checkpoint = checkpointWithCommit.get(client);
    checkpointWithCommit.delete(client);
    // A failing UPDATE aborts the transaction block, so the COMMIT after it in the same string never runs.
    await client.query(checkpoint ? `${checkpoint}; COMMIT` : 'COMMIT');
    return result;
  } catch (error) {
    checkpointWithCommit.delete(client);
    await client.query('ROLLBACK').catch(onBroken);
    throw error;
  }
}

export function pgAdapter<Tx extends PgQueryable = PgQueryable>(db: PgQueryable | PgPool, options: PgAdapterOptions = {}): Adapter<Tx> {
  const begin = options.isolationLevel ? `BEGIN ISOLATION LEVEL ${options.isolationLevel.toUpperCase()}` : 'BEGIN';
  const store = sqlCheckpointStore<Tx>({ placeholders: 'dollar', query: async (tx, sql, params) => (await tx.query(sql, params)).rows }, options.checkpointTable);
  const saveWithCommit = async (tx: Tx, name: string, checkpoint: Checkpoint) => {
    if (typeof tx.escapeLiteral !== 'function') return store.save(tx, name, checkpoint);
    const { sql, params } = store.saveStatement(name, checkpoint);
    // Parameters inlined as literals: a COMMIT can only share a round trip with text that has none.
    const literal = (v: string | number) => (typeof v === 'number' ? String(v) : tx.escapeLiteral!(v));
    checkpointWithCommit.set(tx, sql.replace(/\$(\d+)/g, (_, n: string) => literal(params[Number(n) - 1]!)));
  };
  return {
    name: 'pg',
    async transaction(work) {
      if (!isPool(db)) return inTransaction(db as Tx, begin, work, () => {});
      const client = await db.connect();
      let broken: Error | undefined;
      try {
        return await inTransaction(client as unknown as Tx, begin, work, (e) => (broken = e instanceof Error ? e : new Error(String(e))));
      } finally {
        // A connection that could not roll back is destroyed, not handed back to the pool.
        client.release(broken);
      }
    },
    checkpoints: { open: store.open, save: saveWithCommit },
  };
}
