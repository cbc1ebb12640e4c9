// Prisma: an interactive transaction per batch. Prisma's default 5 s timeout is short for a batch,
// so the adapter sets its own; a batch that still runs past it fails with P2028, which is reported
// (lower the size or raise the timeout), never retried: a retry would time out the same way.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import { isTransactionTimeout } from '../retry.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

interface PrismaTransactionLike {
  $queryRawUnsafe<T = unknown>(sql: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
}

interface PrismaClientLike<Tx> {
  $transaction<R>(fn: (tx: Tx) => Promise<R>, options?: any): Promise<R>;
}

export interface PrismaAdapterOptions extends SqlAdapterOptions {
  /** Longest a batch's transaction may run; default 60 000 ms. */
  timeout?: number;
  /** Longest to wait for a connection to start it; default 10 000 ms. */
  maxWait?: number;
  /** Prisma.TransactionIsolationLevel value, e.g. 'Serializable'. */
  isolationLevel?: 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Snapshot' | 'Serializable';
  /** The datasource provider; read from the client when omitted. */
  provider?: 'postgresql' | 'sqlite' | 'mysql' | 'cockroachdb';
}

/** Tx is the client's TransactionClient, inferred from prisma.$transaction. */
export function prismaAdapter<Tx>(prisma: PrismaClientLike<Tx>, options: PrismaAdapterOptions = {}): Adapter<Tx> {
  // `_activeProvider` is set by every generated Prisma client (5, 6 and 7).
  const provider = options.provider ?? (prisma as { _activeProvider?: string })._activeProvider;
  if (!provider) throw new Error('evolve-runtime: prismaAdapter could not tell the database provider; pass prismaAdapter(prisma, { provider: "postgresql" }).');
  const timeout = options.timeout ?? 60_000;
  const settings = { timeout, maxWait: options.maxWait ?? 10_000, ...(options.isolationLevel ? { isolationLevel: options.isolationLevel } : {}) };
  return {
    name: 'prisma',
    transaction: (work) => prisma.$transaction(work, settings),
    checkpoints: sqlCheckpointStore<Tx>(
      {
        placeholders: provider === 'postgresql' || provider === 'cockroachdb' ? 'dollar' : 'question',
        async query(client, sql, params) {
          const tx = client as PrismaTransactionLike;
          if (sql.startsWith('SELECT')) return tx.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params);
          await tx.$executeRawUnsafe(sql, ...params);
          return [];
        },
      },
      options.checkpointTable,
    ),
    explainError: (error) =>
      isTransactionTimeout(error) ? ` The batch ran past the Prisma transaction timeout of ${timeout} ms: lower options.size, or raise prismaAdapter(prisma, { timeout }).` : undefined,
  };
}
