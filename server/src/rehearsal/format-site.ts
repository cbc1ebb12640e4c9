// Summary lines for `--site-load` (format.ts prints them after the tables): the baseline and run
// windows side by side, failures by cause, the longest write wait and the run/baseline p99 ratio.
import { duration } from './format';
import type { RehearsalReport, SiteFailureCause, SiteWindowStats } from './protocol';

const INDENT = ' '.repeat(17);
const CAUSE_NAMES: Record<SiteFailureCause, string> = { conflict: 'conflict', 'lock-timeout': 'lock timeout', busy: 'busy', 'statement-timeout': 'statement timeout', other: 'other' };

/** A latency: sub-millisecond ones keep their decimals (a point read on an idle database takes 0.1 ms). */
export function latency(ms: number): string {
  if (ms < 10) return `${ms.toFixed(ms < 1 ? 2 : 1)} ms`;
  return duration(ms);
}

export function failureText(failures: Record<SiteFailureCause, number>): string {
  const parts = (Object.keys(CAUSE_NAMES) as SiteFailureCause[]).filter((c) => failures[c] > 0).map((c) => `${CAUSE_NAMES[c]} ${failures[c].toLocaleString('en-US')}`);
  return parts.length ? parts.join(', ') : 'none';
}

function row(label: string, w: SiteWindowStats): string {
  const cells = [w.requests.toLocaleString('en-US'), latency(w.p50Ms), latency(w.p95Ms), latency(w.p99Ms), latency(w.maxMs)];
  return `${INDENT}${`${label} ${duration(w.durationMs)}`.padEnd(16)}${cells.map((c) => c.padStart(9)).join('')}   ${latency(w.longestWriteWaitMs).padStart(9)}   ${failureText(w.failures)}`;
}

export function siteLines(report: RehearsalReport): string[] {
  const site = report.site;
  if (!site) return [];
  const t = site.timeouts;
  const timeouts = report.snapshot.engine === 'sqlite' ? `busy_timeout ${t.busyTimeoutMs} ms` : `lock_timeout ${t.lockTimeoutMs} ms, statement_timeout ${t.statementTimeoutMs} ms`;
  const lines = [
    `  site load      ${site.rate.toLocaleString('en-US')} requests/s on ${site.tables.join(', ')} (${timeouts}; own process${site.pid ? ` ${site.pid}` : ''} and connections)`,
    `${INDENT}${'window'.padEnd(16)}${['requests', 'p50', 'p95', 'p99', 'max'].map((c) => c.padStart(9)).join('')}   ${'write wait'.padStart(9)}   failures`,
    row('baseline', site.baseline),
    row('run', site.run),
  ];
  if (site.baseline.p99Ms > 0 && site.run.requests > 0) {
    lines.push(`${INDENT}p99 during the run: ${(site.run.p99Ms / site.baseline.p99Ms).toFixed(1)}× the baseline's; the longest a site write waited: ${latency(site.run.longestWriteWaitMs)}`);
  }
  return lines;
}
