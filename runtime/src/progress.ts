// Delivers progress events to the caller's listener, to the rehearsal engine when the script runs
// under it, and to one self-rewriting line on stderr when stderr is a terminal.
import { REHEARSAL_SINK, type ProgressEvent, type RehearsalSink } from './progress-events.js';

export type ProgressListener = (event: ProgressEvent) => void;

export interface ProgressOptions {
  onProgress?: ProgressListener;
  /** Draw the progress line on stderr; default: when stderr is a TTY. */
  progressLine?: boolean;
}

function rehearsalSink(): RehearsalSink | undefined {
  const sink = (globalThis as Record<symbol, unknown>)[REHEARSAL_SINK] as RehearsalSink | undefined;
  return sink && typeof sink.emit === 'function' ? sink : undefined;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The text of the stderr progress line for one event, or undefined when the line doesn't change. */
export function progressLineText(event: ProgressEvent): string | undefined {
  const n = (x: number) => x.toLocaleString('en-US');
  switch (event.type) {
    case 'start':
      return `${event.name}: starting${event.resumedFrom !== null ? ` (resuming after ${JSON.stringify(event.resumedFrom)})` : ''}`;
    case 'batch': {
      const rows = event.total !== null ? `${n(event.rows)}/${n(event.total)} rows` : `${n(event.rows)} rows`;
      const rate = event.elapsedMs > 0 ? ` · ${n(Math.round((event.rows * 1000) / event.elapsedMs))} rows/s` : '';
      const eta = event.etaMs !== null ? ` · ETA ${formatDuration(event.etaMs)}` : '';
      const retries = event.retries > 0 ? ` · ${event.retries} retries` : '';
      return `${event.name}: batch ${n(event.batch)} · ${rows}${rate}${eta}${retries}`;
    }
    case 'retry':
      return `${event.name}: batch ${n(event.batch)} conflicted, retry ${event.attempt} in ${event.delayMs} ms: ${event.reason}`;
    case 'end':
      return `${event.name}: ${event.cancelled ? 'cancelled after' : 'done,'} ${n(event.batches)} batches, ${n(event.rows)} rows in ${formatDuration(event.durationMs)}${event.retries ? `, ${event.retries} retries` : ''}`;
  }
}

export function createProgressReporter(options: ProgressOptions): (event: ProgressEvent) => void {
  const drawLine = options.progressLine ?? Boolean(process.stderr.isTTY);
  const sink = rehearsalSink();
  return (event) => {
    options.onProgress?.(event);
    sink?.emit(event);
    if (!drawLine) return;
    const text = progressLineText(event);
    if (text === undefined) return;
    const width = process.stderr.columns || 120;
    // \r + "erase line" rewrites the same line; the end event leaves its line in place.
    process.stderr.write(`\r\x1b[2K${text.slice(0, width - 1)}${event.type === 'end' ? '\n' : ''}`);
  };
}
