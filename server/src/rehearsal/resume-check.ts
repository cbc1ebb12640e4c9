// `evolve rehearse --resume-check K`: is the script safe to kill and run again? It runs once,
// uninterrupted, on a fresh snapshot (the reference); then on another fresh snapshot it is killed
// (SIGKILL, by the child itself at a committed batch, transaction or written row) K times, each
// rerun starting on what the killed one left; the last rerun goes to its end. Then every table's
// content is compared between the two end states. The kill points come from a seeded generator,
// so a failing check can be replayed with the same --seed.
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startRehearsal, type RehearsalOptions } from './engine';
import type { ChildEvent, KillPoint, RehearsalReport, ResumeCheckResult, TableComparison } from './protocol';
import { RehearsalConfigError } from './snapshot-source';
import { seededRandom } from './seeded-random';
export { seededRandom };

export interface ResumeCheckOptions {
  /** How many times the script is killed before the last, uninterrupted rerun. */
  kills: number;
  seed: number;
}


/**
 * Where to kill each run, from what the reference run did: committed batches when the script uses
 * eachBatch, else committed transactions, else written rows. Each point falls in an equal share
 * of the work, so a resumable script still has work left at every kill.
 */
export function planKillPoints(reference: Pick<RehearsalReport, 'batches' | 'transactions' | 'rowsWritten'>, kills: number, seed: number): KillPoint[] {
  const unit: KillPoint['unit'] = reference.batches > 0 ? 'batch' : reference.transactions.commits > 0 ? 'transaction' : 'row';
  const total = unit === 'batch' ? reference.batches : unit === 'transaction' ? reference.transactions.commits : reference.rowsWritten;
  const share = Math.max(1, Math.floor((total - 1) / kills));
  const random = seededRandom(seed);
  return Array.from({ length: kills }, () => ({ unit, n: 1 + Math.floor(random() * share) }));
}

interface Attempt {
  report: RehearsalReport;
  killed: boolean;
  tables: TableComparison[] | null;
}

function attempt(options: RehearsalOptions, extra: Partial<RehearsalOptions>, onEvent: (event: ChildEvent) => void, signal?: AbortSignal): Promise<Attempt> {
  let killed = false;
  let tables: TableComparison[] | null = null;
  const run = startRehearsal({ ...options, ...extra }, (event) => {
    if (event.type === 'kill-point') killed = true;
    if (event.type === 'tables-compared') tables = event.tables;
    onEvent(event);
  });
  // Ctrl-C: the run in flight stops after its batch; no further run starts (runResumeCheck checks).
  const cancel = () => run.cancel();
  signal?.addEventListener('abort', cancel);
  if (signal?.aborted) cancel();
  return run.done.then((report) => {
    signal?.removeEventListener('abort', cancel);
    return { report, killed, tables };
  });
}

/** Removes a kept snapshot's private folder (the snapshot file sits directly in it). */
const discard = (report: RehearsalReport) => (report.snapshot.path ? rm(dirname(report.snapshot.path), { recursive: true, force: true }) : Promise.resolve());

/** The reference run's report with the check added; its kept snapshot is removed by then. */
function withCheck(reference: RehearsalReport, resumeCheck: ResumeCheckResult, cancelled = false): RehearsalReport {
  return { ...reference, ...(cancelled ? { status: 'cancelled' as const } : {}), snapshot: { ...reference.snapshot, path: null }, resumeCheck };
}

function failed(reference: RehearsalReport, why: string, seed: number, killPoints: ResumeCheckResult['killPoints'], cancelled = false): RehearsalReport {
  return withCheck(reference, { status: 'fail', seed, killPoints, tables: [], error: why }, cancelled);
}

const CANCELLED = 'The resume check was cancelled before it could compare.';

/**
 * Runs the whole check and returns the reference run's report with `resumeCheck` added. Throws
 * RehearsalConfigError when the check cannot apply (engine other than SQLite or PGlite, K below 1).
 */
export async function runResumeCheck(
  options: RehearsalOptions,
  check: ResumeCheckOptions,
  onEvent: (event: ChildEvent) => void = () => {},
  signal?: AbortSignal,
): Promise<RehearsalReport> {
  if (!Number.isInteger(check.kills) || check.kills < 1) throw new RehearsalConfigError(`--resume-check needs a number of kills of 1 or more, got ${check.kills}.`);
  const base: RehearsalOptions = { ...options, keep: false, killAt: undefined, compareWith: undefined };
  const { report: reference } = await attempt(base, { keep: true }, onEvent, signal);
  if (reference.snapshot.engine !== 'sqlite' && reference.snapshot.engine !== 'pglite') {
    await discard(reference);
    throw new RehearsalConfigError(`--resume-check compares SQLite and PGlite snapshots only; this snapshot is ${reference.snapshot.engine}.`);
  }
  const killPoints: ResumeCheckResult['killPoints'] = [];
  if (signal?.aborted) {
    await discard(reference);
    return failed(reference, CANCELLED, check.seed, killPoints, true);
  }
  if (reference.status !== 'ok') {
    await discard(reference);
    return failed(reference, `The uninterrupted run did not succeed (${reference.status}: ${reference.error?.message ?? 'no error'}), so there is nothing to compare with.`, check.seed, killPoints);
  }
  let previous: RehearsalReport | null = null;
  try {
    for (const killAt of planKillPoints(reference, check.kills, check.seed)) {
      const next = await attempt(base, { keep: true, killAt, ...chainFrom(previous) }, onEvent, signal);
      if (previous) await discard(previous);
      previous = next.report;
      killPoints.push({ ...killAt, reached: next.killed });
      if (signal?.aborted) return failed(reference, CANCELLED, check.seed, killPoints, true);
      if (!next.killed && next.report.status !== 'ok') {
        return failed(reference, `A run that was to be killed at ${describeKillPoint(killAt)} failed first: ${next.report.error?.message ?? next.report.status}`, check.seed, killPoints);
      }
      if (!previous.snapshot.path) return failed(reference, 'A killed run left no snapshot to resume on.', check.seed, killPoints);
    }
    const last = await attempt(base, { compareWith: reference.snapshot.path ?? undefined, ...chainFrom(previous) }, onEvent, signal);
    if (signal?.aborted) return failed(reference, CANCELLED, check.seed, killPoints, true);
    if (last.report.status !== 'ok') {
      return failed(reference, `The last rerun, after ${check.kills} kill(s), failed: ${last.report.error?.message ?? last.report.status}`, check.seed, killPoints);
    }
    if (!last.tables) return failed(reference, 'The last rerun did not report its table comparison (see its stderr).', check.seed, killPoints);
    const status = last.tables.every((t) => t.equal) ? 'pass' : 'fail';
    return withCheck(reference, { status, seed: check.seed, killPoints, tables: last.tables, error: null });
  } finally {
    if (previous) await discard(previous);
    await discard(reference);
  }
}

/** A rerun starts on the snapshot the killed run left (the engine copies it, as any source). */
function chainFrom(previous: RehearsalReport | null): Partial<RehearsalOptions> {
  return previous?.snapshot.path ? { snapshot: previous.snapshot.path, engine: previous.snapshot.engine } : {};
}

export function describeKillPoint(point: KillPoint): string {
  return point.unit === 'row' ? `${point.n} written row(s)` : `committed ${point.unit} ${point.n}`;
}
