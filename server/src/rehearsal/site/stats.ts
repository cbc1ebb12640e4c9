// The site's measurements: every request's latency (from the moment it was issued, so a request
// that queued behind a blocked connection counts its queueing too: what a user would feel), failures
// by cause, and the longest a write spent in the database. Split into the baseline window (before
// the script started) and the run window; sampled every interval for the panel's chart.
import type { SiteFailureCause, SiteSample, SiteWindowStats } from '../protocol';

export interface Outcome {
  /** When the request was issued (queued for a connection), when it reached one and when it ended (performance.now()). */
  dueAt: number;
  startedAt: number;
  endedAt: number;
  write: boolean;
  failure: SiteFailureCause | null;
}

const CAUSES: SiteFailureCause[] = ['conflict', 'lock-timeout', 'busy', 'statement-timeout', 'other'];
const round = (ms: number) => Math.round(ms * 100) / 100;

export function noFailures(): Record<SiteFailureCause, number> {
  return Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<SiteFailureCause, number>;
}

/** Nearest-rank percentile of ascending values (0 when there are none). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function windowStats(outcomes: Outcome[], durationMs: number, stillWaitingWriteMs = 0): SiteWindowStats {
  const latencies = outcomes.map((o) => o.endedAt - o.dueAt).sort((a, b) => a - b);
  const failures = noFailures();
  let longestWriteWaitMs = stillWaitingWriteMs;
  for (const o of outcomes) {
    if (o.failure) failures[o.failure]++;
    if (o.write) longestWriteWaitMs = Math.max(longestWriteWaitMs, o.endedAt - o.startedAt);
  }
  return {
    durationMs: round(durationMs),
    requests: outcomes.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? 0),
    failures,
    longestWriteWaitMs: round(longestWriteWaitMs),
  };
}

/** One chart point: the requests that ended in the interval, at `elapsedMs` on the script's clock. */
export function sample(outcomes: Outcome[], elapsedMs: number): SiteSample {
  const latencies = outcomes.map((o) => o.endedAt - o.dueAt).sort((a, b) => a - b);
  return {
    elapsedMs: Math.round(elapsedMs),
    requests: outcomes.length,
    failures: outcomes.filter((o) => o.failure).length,
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.at(-1) ?? 0),
  };
}

/**
 * The cause of a failed site request, from the driver's error: PostgreSQL SQLSTATEs (40001
 * serialization, 40P01 deadlock, 55P03 lock_not_available, 57014 query_canceled) and SQLite's
 * extended codes (SQLITE_BUSY*, SQLITE_LOCKED*).
 */
export function classifyFailure(error: unknown): SiteFailureCause {
  const code = String((error as { code?: unknown } | null)?.code ?? '');
  if (code === '40001' || code === '40P01') return 'conflict';
  if (code === '55P03') return 'lock-timeout';
  if (code === '57014') return 'statement-timeout';
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
  return 'other';
}
