// eachBatch: walks a table in keyset pages and runs the body once per page, each page in its own
// transaction together with its checkpoint, so a crash or a cancel loses at most the page in flight
// (rolled back) and a rerun resumes after the last committed page without applying any page twice.
import { BatchFailedError } from './batch-error.js';
import { watchForStop } from './cancellation.js';
import { encodeKey } from './checkpoint-sql.js';
import { createProgressReporter, type ProgressListener } from './progress.js';
import { describeError, pause, retryOnConflict } from './retry.js';
import { createThrottle, type ThrottleOptions } from './throttle.js';
import type { Adapter, Checkpoint } from './types.js';

export interface BatchInfo<Key> {
  /** 1-based number of this batch in this run. */
  batch: number;
  /** The key this batch starts after (undefined for the very first batch). */
  after: Key | undefined;
  firstKey: Key;
  lastKey: Key;
  /** 0 on the first try, then 1, 2... when the batch is retried after a conflict. */
  attempt: number;
  /** Aborts when a stop was requested; the batch still commits, no new batch starts. */
  signal: AbortSignal;
}

export interface EachBatchOptions<Row, Key, Tx> {
  adapter: Adapter<Tx>;
  /** Names the checkpoint: use the script's name, unique per migration. */
  name: string;
  /** Rows per batch; default 500. */
  size?: number;
  /** The next page: rows with key > after (from the first row when after is undefined), ordered by key, at most size rows. */
  fetch(after: Key | undefined, size: number, tx: Tx): PromiseLike<Row[]> | Row[];
  /** The row's key, the same column fetch orders by. */
  key(row: Row): Key;
  /** Rows left to process after `after`, for the ETA. */
  count?(after: Key | undefined): PromiseLike<number> | number;
  /** Retries of a batch that conflicted with another transaction; default 5. */
  retries?: number;
  /** Backoff of those retries: first delay and ceiling, defaults 50 ms and 5 s. */
  retryDelay?: { baseMs?: number; maxMs?: number };
  /** Aborting stops the run after the batch in flight commits. */
  signal?: AbortSignal;
  /** Stop the same way on SIGINT/SIGTERM; default true. */
  handleSignals?: boolean;
  throttle?: ThrottleOptions;
  onProgress?: ProgressListener;
  /** Draw a progress line on stderr; default when stderr is a terminal. */
  progressLine?: boolean;
  /** Forget the checkpoint and start from the first row. */
  reset?: boolean;
  /** Keep a checkpoint to resume from; default true. */
  checkpoint?: boolean;
}

export interface EachBatchSummary<Key> {
  batches: number;
  rows: number;
  retries: number;
  /** The checkpoint this run resumed after, or null when it started from the first row. */
  resumedFrom: Key | null;
  /** Key of the last committed row (this run or before). */
  lastKey: Key | null;
  durationMs: number;
  /** True when a stop request ended the run before the last row. */
  cancelled: boolean;
}

export type BatchBody<Row, Key, Tx> = (rows: Row[], tx: Tx, info: BatchInfo<Key>) => unknown;

/** Primitive keys compare directly; composite and Date keys by their stored form. */
function sameKey(a: unknown, b: unknown): boolean {
  return typeof a === 'object' && a !== null ? encodeKey(a) === encodeKey(b) : Object.is(a, b);
}

function checkOptions(options: EachBatchOptions<unknown, unknown, unknown>): number {
  const missing = (['adapter', 'name', 'fetch', 'key'] as const).filter((k) => !options?.[k]);
  if (missing.length) throw new TypeError(`evolve-runtime: eachBatch needs options.${missing.join(', options.')}.`);
  const size = options.size ?? 500;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`evolve-runtime: options.size must be a whole number >= 1, got ${size}.`);
  return size;
}

export async function eachBatch<Row, Key, Tx>(options: EachBatchOptions<Row, Key, Tx>, body: BatchBody<Row, Key, Tx>): Promise<EachBatchSummary<Key>> {
  const size = checkOptions(options as EachBatchOptions<unknown, unknown, unknown>);
  const { adapter, name } = options;
  const checkpointing = options.checkpoint !== false;
  const retryOptions = { retries: options.retries ?? 5, baseDelayMs: options.retryDelay?.baseMs, maxDelayMs: options.retryDelay?.maxMs };
  const started = performance.now();
  const report = createProgressReporter(options);
  const stop = watchForStop(name, options.signal, options.handleSignals ?? true);
  try {
    let saved: Checkpoint = { lastKey: null, batches: 0, rows: 0 };
    if (checkpointing) {
      saved = await retryOnConflict(() => adapter.transaction((tx) => adapter.checkpoints.open(tx, name, options.reset === true)), retryOptions);
    }
    // Stored and reported as null (JSON has no undefined); handed to fetch/count as undefined.
    const resumedFrom = saved.lastKey === null || saved.lastKey === undefined ? null : (saved.lastKey as Key);
    let after: Key | undefined = resumedFrom ?? undefined;
    const total = options.count ? await options.count(after) : null;
    report({ type: 'start', name, total, resumedFrom });

    let batches = 0;
    let rows = 0;
    let retries = 0;
    let finished = false;
    const nextPause = createThrottle(options.throttle);
    // The batch in flight, for onRetry: it and its options object are made once per run, not per batch.
    // A `{ ...retryOptions, onRetry }` built in every batch made V8 promote a few KB per young-generation
    // GC to the old generation (garbage only a full GC frees, which a steady backfill never triggers), so
    // the peak RSS of a long run grew with its row count.
    let batch = 0;
    let batchRetries = 0;
    const onRetry = (error: unknown, attempt: number, delayMs: number) => {
      batchRetries++;
      retries++;
      report({ type: 'retry', name, batch, attempt, reason: describeError(error), delayMs });
    };
    const batchRetryOptions = { ...retryOptions, onRetry };
    while (!stop.requested) {
      batch = batches + 1;
      const failed = { name, batch, after, checkpointing, attempts: 0, firstKey: undefined as unknown, lastKey: undefined as unknown, hint: undefined as string | undefined };
      batchRetries = 0;
      let batchMs = 0;
      const runBatch = (attempt: number) => {
        // Each attempt fetches afresh: keys from an earlier attempt must not name this one's failure.
        Object.assign(failed, { attempts: attempt + 1, firstKey: undefined, lastKey: undefined });
        const attemptStart = performance.now();
        return adapter.transaction(async (tx) => {
          const page = await options.fetch(after, size, tx);
          if (!Array.isArray(page)) throw new TypeError(`options.fetch must return an array of rows (got ${typeof page})`);
          if (page.length === 0) return null;
          const firstKey = options.key(page[0]);
          const lastKey = options.key(page[page.length - 1]);
          Object.assign(failed, { firstKey, lastKey });
          if (after !== undefined && sameKey(lastKey, after)) {
            throw new Error(`options.fetch returned rows that do not advance past key ${encodeKey(after)}: it must return rows with key > after, ordered by key`);
          }
          await body(page, tx, { batch, after, firstKey, lastKey, attempt, signal: stop.signal });
          if (checkpointing) await adapter.checkpoints.save(tx, name, { lastKey, batches: saved.batches + batch, rows: saved.rows + rows + page.length });
          batchMs = performance.now() - attemptStart;
          return { count: page.length, lastKey };
        });
      };
      let committed: { count: number; lastKey: Key } | null;
      try {
        committed = await retryOnConflict(runBatch, batchRetryOptions);
      } catch (error) {
        failed.hint = adapter.explainError?.(error);
        throw new BatchFailedError(failed, error);
      }
      if (committed === null) {
        finished = true;
        break;
      }
      batches = batch;
      rows += committed.count;
      after = committed.lastKey;
      const elapsedMs = performance.now() - started;
      const etaMs = total !== null && rows > 0 ? Math.max(0, ((total - rows) * elapsedMs) / rows) : null;
      report({
        type: 'batch', name, batch, batchRows: committed.count, rows, total, firstKey: failed.firstKey, lastKey: committed.lastKey,
        batchMs, elapsedMs, etaMs, batchRetries, retries,
      });
      if (committed.count < size) {
        finished = true;
        break;
      }
      await pause(nextPause(batchMs), stop.signal);
    }
    const summary = { batches, rows, retries, resumedFrom, lastKey: after ?? null, durationMs: performance.now() - started, cancelled: !finished };
    report({ type: 'end', name, batches, rows, retries, durationMs: summary.durationMs, cancelled: summary.cancelled });
    return summary;
  } finally {
    stop.dispose();
  }
}
