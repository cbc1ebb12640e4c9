// The error eachBatch throws when a batch cannot commit: it names the run, the batch and its key
// range, says the batch was rolled back and how to go on.
import { describeError, isTransactionTimeout, RetriesExhaustedError } from './retry.js';

export interface FailedBatch {
  name: string;
  batch: number;
  after: unknown;
  /** First and last key of the rows fetched, when the fetch itself succeeded. */
  firstKey?: unknown;
  lastKey?: unknown;
  /** Attempts made, retries included. */
  attempts: number;
  checkpointing: boolean;
  hint?: string;
}

const show = (key: unknown) => (typeof key === 'bigint' ? `${key}n` : key instanceof Date ? key.toISOString() : JSON.stringify(key));
const isStart = (key: unknown) => key === undefined || key === null;

export class BatchFailedError extends Error {
  readonly batch: number;
  readonly after: unknown;
  readonly firstKey: unknown;
  readonly lastKey: unknown;
  readonly attempts: number;

  constructor(failed: FailedBatch, error: unknown) {
    const exhausted = error instanceof RetriesExhaustedError;
    const cause = exhausted ? error.cause : error;
    const range = failed.lastKey !== undefined ? `keys ${show(failed.firstKey)} to ${show(failed.lastKey)}` : isStart(failed.after) ? 'from the first row' : `keys after ${show(failed.after)}`;
    const attempts = exhausted
      ? ` after ${failed.attempts} attempts (conflicts with other transactions; raise options.retries or run when the table is quieter)`
      : failed.attempts > 1 ? ` on attempt ${failed.attempts}` : '';
    const next = failed.checkpointing
      ? isStart(failed.after) ? 'rerun to start again' : `rerun to resume after key ${show(failed.after)}`
      : 'checkpoints are off, so a rerun starts from the beginning';
    const hint = failed.hint ?? (isTransactionTimeout(cause) ? ' The transaction timed out: lower options.size or raise the adapter\'s timeout.' : '');
    super(`evolve-runtime: "${failed.name}" batch ${failed.batch} (${range}) failed${attempts}: ${describeError(cause)}. The batch was rolled back; ${next}.${hint}`, { cause });
    this.name = 'BatchFailedError';
    this.batch = failed.batch;
    this.after = failed.after;
    this.firstKey = failed.firstKey;
    this.lastKey = failed.lastKey;
    this.attempts = failed.attempts;
  }
}
