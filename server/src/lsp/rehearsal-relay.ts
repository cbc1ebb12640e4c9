// How a running rehearsal reaches the client: every child event as an evolve/rehearsalEvent
// notification, with `progress` events (the child sends one per batch or statement burst) thinned
// to a few per second, keeping the latest; nothing else is ever dropped. The same progress drives
// LSP work-done progress: a percentage when evolve-runtime reported a total, else rows so far.
import { duration } from '../rehearsal/format';
import type { ChildEvent, ProgressSnapshot } from '../rehearsal/protocol';

/** At most this many progress events a second per run (the panel redraws no faster). */
export const PROGRESS_EVENTS_PER_SECOND = 10;

type ProgressEvent = Extract<ChildEvent, { type: 'progress' }>;

/**
 * Progress carrying an eachBatch start, end or retry: rare, and each changes what the progress
 * means (an end clears the batch counts), so they are never merged into a later event. Batches
 * and the tracer's periodic ticks are what come fast, and only those are thinned.
 */
const isMilestone = (event: ProgressEvent) => event.runtime !== undefined && event.runtime.type !== 'batch';

export class EventRelay {
  private pending: { event: ProgressEvent; atMs: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastProgressAt = -Infinity;
  private readonly started = Date.now();
  private readonly intervalMs = 1000 / PROGRESS_EVENTS_PER_SECOND;

  constructor(private readonly send: (event: ChildEvent, atMs: number) => void) {}

  push(event: ChildEvent): void {
    const atMs = Date.now() - this.started;
    if (event.type !== 'progress' || isMilestone(event)) {
      // The report comes last, and a run's start or end after its last batch (100%): whatever
      // progress is still held goes out before them.
      if (event.type === 'finished' || event.type === 'progress') this.flush();
      this.send(event, atMs);
      if (event.type === 'progress') this.lastProgressAt = atMs;
      return;
    }
    this.pending = { event, atMs };
    const wait = this.lastProgressAt + this.intervalMs - atMs;
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends the progress event held back, if any. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    this.lastProgressAt = pending.atMs;
    this.send(pending.event, pending.atMs);
  }

  dispose(): void {
    this.flush();
  }
}

const count = (n: number) => Math.round(n).toLocaleString('en-US');

/** Work-done progress for a snapshot: a percentage only when the total is known, never a guess. */
export function describeProgress(progress: ProgressSnapshot): { percentage?: number; message: string } {
  const batch = progress.batch;
  if (batch && batch.total) {
    const percentage = Math.min(100, Math.floor((batch.rows / batch.total) * 100));
    const eta = batch.etaMs !== null ? `, ETA ${duration(batch.etaMs)}` : '';
    return { percentage, message: `${count(batch.rows)} of ${count(batch.total)} rows${eta}` };
  }
  const rows = batch ? batch.rows : progress.rowsWritten;
  return { message: `${count(rows)} rows${batch ? '' : ' written'}` };
}
