// "Compare with previous run": this run's report beside the previous run of the same script.
import type { RehearsalReport } from '../../../../server/src/rehearsal/protocol';
import { formatCount, formatMs } from '../format';
import type { RunInfo } from '../protocol';
import { h, table } from './dom';
import { STATUS_WORDS } from './report-view';

type Metric = [string, (r: RehearsalReport) => string];

const METRICS: Metric[] = [
  ['Status', (r) => STATUS_WORDS[r.status]],
  ['Script ran', (r) => formatMs(r.durationMs)],
  ['Longest transaction', (r) => formatMs(r.transactions.longestMs)],
  ['Transactions', (r) => formatCount(r.transactions.count)],
  ['Commits / rollbacks', (r) => `${formatCount(r.transactions.commits)} / ${formatCount(r.transactions.rollbacks)}`],
  ['Batches', (r) => formatCount(r.batches)],
  ['Retries', (r) => formatCount(r.retries)],
  ['Conflicts', (r) => formatCount(r.conflicts)],
  ['Writes outside transactions', (r) => formatCount(r.writesOutsideTransaction)],
  ['Rows read', (r) => formatCount(r.rowsRead)],
  ['Rows written', (r) => formatCount(r.rowsWritten)],
  ['Throughput', (r) => `${formatCount(r.rowsPerSecond)} rows/s`],
  ['Resume check', (r) => r.resumeCheck?.status ?? '—'],
  ['ETA for production', (r) => (r.eta?.etaMs != null ? formatMs(r.eta.etaMs) : '—')],
  ['Site p99 (run / baseline)', (r) => (r.site ? `${formatMs(r.site.run.p99Ms)} / ${formatMs(r.site.baseline.p99Ms)}` : '—')],
];

const when = (run: RunInfo) => new Date(run.startedAt).toISOString().replace('T', ' ').slice(0, 19);

export function renderComparison(current: { run: RunInfo; report: RehearsalReport }, previous: { run: RunInfo; report: RehearsalReport } | null): HTMLElement[] {
  if (!previous) return [h('p', { class: 'compare-empty' }, `No earlier run of ${current.run.scriptLabel} is kept in this workspace.`)];
  return [
    table(
      ['', `This run (${when(current.run)}, ${current.run.snapshotLabel})`, `Previous run (${when(previous.run)}, ${previous.run.snapshotLabel})`],
      METRICS.map(([label, value]) => {
        const a = value(current.report);
        const b = value(previous.report);
        return [label, h('span', { class: a === b ? '' : 'changed' }, a), b];
      }),
      { class: 'data-table compare-table' },
    ),
  ];
}
