// The one shared definition of evolve-runtime's progress events.
// The runtime emits them; the rehearsal engine (server/src/rehearsal) and the panel consume them.
// Under a rehearsal, the engine's preload installs a sink at `globalThis[REHEARSAL_SINK]`, and the
// runtime hands every event to it as well as to the caller's own listener.

export const REHEARSAL_SINK = Symbol.for('evolve.rehearsal.sink');

export interface BatchProgressEvent {
  type: 'batch';
  /** The checkpoint name (or the script's name) of the eachBatch run. */
  name: string;
  /** 1-based number of the batch that just committed. */
  batch: number;
  /** Rows in this batch. */
  batchRows: number;
  /** Rows processed so far in this run (resumed rows are not counted). */
  rows: number;
  /** Total rows to process when a count function was given, else null. */
  total: number | null;
  /** Keys of the first and last row of the batch, for messages and kill points. */
  firstKey: unknown;
  lastKey: unknown;
  /** Time this batch's transaction took, and the whole run so far. */
  batchMs: number;
  elapsedMs: number;
  /** Estimated milliseconds left, when total is known. */
  etaMs: number | null;
  /** Retries of this batch, and of the run so far. */
  batchRetries: number;
  retries: number;
}

export interface RetryProgressEvent {
  type: 'retry';
  name: string;
  batch: number;
  attempt: number;
  /** Why the batch was retried (the conflict's code and message). */
  reason: string;
  delayMs: number;
}

export interface StartProgressEvent {
  type: 'start';
  name: string;
  total: number | null;
  /** The key the run resumes after, when a checkpoint was found. */
  resumedFrom: unknown;
}

export interface EndProgressEvent {
  type: 'end';
  name: string;
  batches: number;
  rows: number;
  retries: number;
  durationMs: number;
  cancelled: boolean;
}

export type ProgressEvent = StartProgressEvent | BatchProgressEvent | RetryProgressEvent | EndProgressEvent;

export interface RehearsalSink {
  emit(event: ProgressEvent): void;
}
