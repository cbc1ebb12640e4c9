// The contract between eachBatch and the database libraries it runs on.
// An adapter runs a function inside one transaction and keeps the checkpoint in that same
// transaction, so a batch's writes and "this batch is done" commit or roll back together.

/** What eachBatch remembers about a run between processes. */
export interface Checkpoint {
  /** Key of the last row of the last committed batch, or null when nothing committed yet. */
  lastKey: unknown;
  /** Batches and rows committed under this name, over every run. */
  batches: number;
  rows: number;
}

/** Reads and writes checkpoints inside the adapter's transactions. */
export interface CheckpointStore<Tx> {
  /**
   * Creates the storage if absent, and the row for `name` when it has none; with `reset` the row is
   * cleared. Returns the checkpoint the run resumes from. Runs in its own transaction.
   */
  open(tx: Tx, name: string, reset: boolean): Promise<Checkpoint>;
  /** Records a committed batch; called inside the batch's own transaction. */
  save(tx: Tx, name: string, checkpoint: Checkpoint): Promise<void>;
}

export interface Adapter<Tx> {
  /** The library's name, for messages ("knex", "prisma"...). */
  readonly name: string;
  /** Runs `work` in one transaction: commits when it resolves, rolls back when it throws. */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  readonly checkpoints: CheckpointStore<Tx>;
  /** A hint for errors that retrying cannot fix (a Prisma transaction timeout...). */
  explainError?(error: unknown): string | undefined;
}

/** Options every SQL adapter accepts. */
export interface SqlAdapterOptions {
  /** Table that holds checkpoints; default `evolve_checkpoints`. */
  checkpointTable?: string;
}
