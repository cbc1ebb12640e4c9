// The child's output, bounded. A script may print 100 MB (a console.log per row): every line would
// become an event for the CLI, the language server and the panel, and a line without an end would
// be held whole in memory. So lines are cut at MAX_LINE_CHARS, and log events pass a token bucket:
// a burst, then a steady rate; what is dropped is counted and said, never silently lost.
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { ChildEvent } from './protocol';

export const MAX_LINE_CHARS = 2000;
export const LOG_BURST = 2000;
export const LOG_LINES_PER_SECOND = 200;

type LogEvent = Extract<ChildEvent, { type: 'log' }>;

/** The line cut at MAX_LINE_CHARS, saying how much was cut (`extra` characters were never kept). */
export function cutLine(line: string, extra = 0): string {
  const over = line.length - MAX_LINE_CHARS + extra;
  return over > 0 ? `${line.slice(0, MAX_LINE_CHARS)}… (${over} more characters)` : line;
}

/** Calls onLine for each line of the stream, each cut at MAX_LINE_CHARS; memory stays bounded for any input. */
export function boundedLines(stream: Readable, onLine: (line: string) => void): void {
  const decoder = new StringDecoder('utf8');
  let line = '';
  let skipped = 0;
  const flush = (rest: string) => {
    line += rest;
    onLine(cutLine(line.endsWith('\r') ? line.slice(0, -1) : line, skipped));
    line = '';
    skipped = 0;
  };
  const add = (text: string) => {
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      flush(text.slice(start, end));
      start = end + 1;
    }
    const rest = text.slice(start);
    // Keep one character past the cut, so that the cut (and its count) shows even for an exact fit.
    const room = MAX_LINE_CHARS + 1 - line.length;
    line += rest.slice(0, Math.max(0, room));
    skipped += Math.max(0, rest.length - Math.max(0, room));
  };
  stream.on('data', (chunk: Buffer) => add(decoder.write(chunk)));
  stream.on('end', () => {
    const rest = decoder.end();
    if (line || rest || skipped) flush(rest);
  });
}

/**
 * Passes log events while the bucket has tokens (LOG_BURST at first, LOG_LINES_PER_SECOND after);
 * the lines dropped in between are reported in one note before the next line that passes, and by
 * `flush` at the end of the run.
 */
export class LogLimiter {
  private tokens = LOG_BURST;
  private last: number;
  /** Lines dropped since the last note, and over the whole run. */
  private pending = 0;
  dropped = 0;

  constructor(
    private readonly emit: (event: LogEvent) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.last = now();
  }

  log(event: LogEvent): void {
    const now = this.now();
    this.tokens = Math.min(LOG_BURST, this.tokens + ((now - this.last) / 1000) * LOG_LINES_PER_SECOND);
    this.last = now;
    if (this.tokens < 1) {
      this.pending++;
      this.dropped++;
      return;
    }
    this.tokens--;
    this.flush();
    this.emit(event);
  }

  /** Says how many lines were dropped since the last note, if any. */
  flush(): void {
    if (this.pending === 0) return;
    const n = this.pending;
    this.pending = 0;
    this.emit({
      type: 'log',
      stream: 'stderr',
      line: `evolve: ${n.toLocaleString('en-US')} lines of output not shown (more than ${LOG_BURST} at once or ${LOG_LINES_PER_SECOND} a second); the script goes on`,
    });
  }
}
