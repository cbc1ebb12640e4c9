// A per-file time budget for the semantic layer. The analysis is synchronous, so one deadline for the
// file being analysed is module state; the hot walks (tree walks, function summaries, origins) call
// `checkBudget()`, which throws `AnalysisBudgetExceeded` once the deadline has passed.
// The budget counts the analysing thread's CPU time, not wall time: a machine busy with other work must
// not make ordinary files give up. Nor may the process's CPU time stand in for it: `evolve lint`
// analyses on several threads at once (and V8 compiles and collects garbage on threads of its own),
// so the process's clock runs up to N times faster than the thread's and a file would give up sooner
// with --threads N than alone. Reading it is a system call (profiled at 5% of a warm re-analysis when
// every 1,024th check made it), so every 1,024th check reads the cheap wall clock, and only once the
// wall clock is past the deadline does it read the CPU time: a thread's CPU time never runs ahead of
// the wall clock, so no file gives up sooner than with the CPU time alone.

import { readFileSync } from 'node:fs';

export const DEFAULT_BUDGET_MS = 2000;
/** Files longer than this are not parsed: parsing cannot be interrupted, and takes seconds at this size. */
export const MAX_FILE_CHARS = 2_000_000;

export class AnalysisBudgetExceeded extends Error {
  constructor(readonly budgetMs: number) {
    super(`analysis exceeded its budget of ${budgetMs} ms`);
    this.name = 'AnalysisBudgetExceeded';
  }
}

/** Linux's USER_HZ, the unit of /proc's CPU times: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_S = 100;

/**
 * This thread's CPU time from /proc/thread-self/stat (utime and stime, the 14th and 15th fields,
 * counted after the parenthesised command name, which may hold spaces); undefined off Linux.
 * Ten-millisecond steps, ample against a budget of seconds.
 */
function linuxThreadCpuMs(): number | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/thread-self/stat', 'latin1');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ticks) ? (ticks * 1000) / CLOCK_TICKS_PER_S : undefined;
}

/** Node 23.9+ has the thread's own clock; older ones only the process's. */
const threadCpuUsage = (process as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
const hasLinuxThreadClock = linuxThreadCpuMs() !== undefined;

/**
 * CPU time the calling thread has used, in milliseconds. Off Linux on Node 20 this falls back to the
 * process's CPU time, which only makes a busy multi-threaded lint give up on a huge file sooner.
 */
export function cpuMs(): number {
  if (threadCpuUsage) {
    const { user, system } = threadCpuUsage.call(process);
    return (user + system) / 1000;
  }
  return (hasLinuxThreadClock ? linuxThreadCpuMs() : undefined) ?? processCpuMs();
}

/** How stale `cpuMark` may be, in wall time (so in CPU time too: a thread's never runs ahead of it). */
export const CPU_MARK_STALE_MS = 20;
let mark = { cpu: -Infinity, at: -Infinity };

/**
 * This thread's CPU time as read at most CPU_MARK_STALE_MS of wall time ago: never more than the
 * true figure, and at most that much less. For the start of each file's budget, which reading the
 * clock (a file read on Linux) made 5% of a lint run; a start read early only makes a file give up
 * up to 20 ms sooner, against a budget of seconds.
 */
export function cpuMark(): number {
  const now = performance.now();
  if (now - mark.at > CPU_MARK_STALE_MS) mark = { cpu: cpuMs(), at: now };
  return mark.cpu;
}

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

let deadline = Infinity;
let wallDeadline = Infinity;
let budget = 0;
let checks = 0;

/** Runs `work` with a deadline `ms` of CPU time from now (nested calls keep the outer deadline). */
export function withBudget<T>(ms: number, work: () => T): T {
  if (deadline !== Infinity) return work();
  deadline = cpuMark() + ms;
  wallDeadline = performance.now() + ms;
  budget = ms;
  try {
    return work();
  } finally {
    deadline = Infinity;
    wallDeadline = Infinity;
  }
}

export function checkBudget(): void {
  if (deadline === Infinity || (++checks & 1023) !== 0 || performance.now() < wallDeadline) return;
  if (cpuMs() > deadline) throw new AnalysisBudgetExceeded(budget);
}

/** A stack overflow in the compiler's recursive parser or in our walks: the code is nested too deeply. */
export function isStackOverflow(error: unknown): error is RangeError {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

const ADVICE = 'split it or disable Evolve for it with /* evolve-disable */';

export function budgetMessage(file: string, ms: number): string {
  return `analysis gave up after ${Math.round(ms)} ms: ${file} is too large or too deeply nested for Evolve to analyse in time; ${ADVICE}`;
}

export function sizeMessage(file: string, chars: number): string {
  const mb = (n: number) => `${(n / 1_000_000).toFixed(1)} MB`;
  return `analysis gave up: ${file} is too large for Evolve to analyse (${mb(chars)}; the limit is ${mb(MAX_FILE_CHARS)}); ${ADVICE}`;
}

export function nestingMessage(file: string, detail: string): string {
  return `analysis gave up: ${file} is too deeply nested for Evolve to analyse (${detail}); ${ADVICE}`;
}

/** The fatal message for an analysis that ran out of time or stack; undefined for other errors (bugs). */
export function givingUpMessage(file: string, error: unknown, elapsedMs: number): string | undefined {
  if (error instanceof AnalysisBudgetExceeded) return budgetMessage(file, elapsedMs);
  if (isStackOverflow(error)) return nestingMessage(file, 'the analysis ran out of stack');
  return undefined;
}
