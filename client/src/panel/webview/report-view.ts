// The finished run: the report (status, timings, per-table changes, the error with links to its
// source locations), the resume check, the ETA for production and what the simulated site felt.
import type { RehearsalReport, ResumeCheckResult, EtaEstimate, SiteReport, SiteWindowStats, SiteFailureCause } from '../../../../server/src/rehearsal/protocol';
import { baseName, formatBytes, formatCount, formatMs, parseStackLocations, type SourceLocation } from '../format';
import { button, definitionList, h, table } from './dom';

export const STATUS_WORDS: Record<RehearsalReport['status'], string> = {
  ok: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  timeout: 'Stopped by its timeout',
};

export function renderReport(report: RehearsalReport, openLocation: (location: SourceLocation) => void): HTMLElement[] {
  const sections: HTMLElement[] = [summary(report), tables(report)];
  if (report.error) sections.push(errorSection(report.error, openLocation));
  if (report.resumeCheck) sections.push(resumeCheck(report.resumeCheck));
  if (report.eta) sections.push(eta(report.eta));
  if (report.site) sections.push(site(report.site));
  return sections;
}

function section(id: string, title: string, ...children: (Node | string | null)[]): HTMLElement {
  return h('section', { class: 'report-section', id, 'aria-labelledby': `${id}-heading` }, h('h3', { id: `${id}-heading` }, title), ...children);
}

function summary(report: RehearsalReport): HTMLElement {
  const exceeded = report.thresholds.exceeded;
  return section(
    'report-summary',
    'Report',
    h('p', { class: `report-status status-${report.status}` }, `${STATUS_WORDS[report.status]} in ${formatMs(report.durationMs)}`),
    definitionList(
      [
        ['Script ran', formatMs(report.durationMs)],
        ['Snapshot', `${report.snapshot.engine}, ${formatBytes(report.snapshot.bytes)} copied in ${formatMs(report.snapshot.ms)}${report.snapshot.method ? ` (${report.snapshot.method})` : ''}`],
        ['Rows read / written', `${formatCount(report.rowsRead)} / ${formatCount(report.rowsWritten)}`],
        ['Throughput', `${formatCount(report.rowsPerSecond)} rows/s`],
        ['Statements', formatCount(report.statements.total)],
        ['Transactions', `${formatCount(report.transactions.count)} (p50 ${formatMs(report.transactions.p50Ms)}, longest ${formatMs(report.transactions.longestMs)}${report.transactions.openAtExit ? `, ${report.transactions.openAtExit} left open` : ''})`],
        ...(report.locks ? ([['Lock waits', `${formatCount(report.locks.waits)} (longest ${formatMs(report.locks.longestWaitMs)}); locks held up to ${formatMs(report.locks.longestHeldMs)}`]] as [string, string][]) : []),
        ...(report.thresholds.maxTransactionMs !== null
          ? ([['Longest allowed transaction', `${formatMs(report.thresholds.maxTransactionMs)}${exceeded.length ? ` — exceeded: ${exceeded.join('; ')}` : ' — within'}`]] as [string, string][])
          : []),
        ...(report.snapshot.path ? ([['Kept snapshot', report.snapshot.path]] as [string, string][]) : []),
      ],
      { class: 'facts' },
    ),
  );
}

function tables(report: RehearsalReport): HTMLElement {
  if (report.tables.length === 0) return section('report-tables', 'Tables', h('p', {}, 'No table counts in this report.'));
  const change = (before: number | null, after: number | null) => (before === null || after === null ? '—' : `${after - before >= 0 ? '+' : ''}${formatCount(after - before)}`);
  return section(
    'report-tables',
    'Tables',
    table(
      ['Table', 'Rows before', 'Rows after', 'Change'],
      report.tables.map((t) => [t.name, formatCount(t.rowsBefore), formatCount(t.rowsAfter), change(t.rowsBefore, t.rowsAfter)]),
      { class: 'data-table' },
    ),
  );
}

function errorSection(error: NonNullable<RehearsalReport['error']>, openLocation: (location: SourceLocation) => void): HTMLElement {
  const locations = parseStackLocations(error.stack);
  const links = locations.map((location) =>
    h('li', {}, button(`${baseName(location.file)}:${location.line}:${location.column}`, () => openLocation(location), { class: 'link-button', title: `Open ${location.file} at line ${location.line}`, 'data-file': location.file })),
  );
  return section(
    'report-error',
    'Error',
    h('pre', { class: 'error-message' }, error.message),
    links.length ? h('ul', { class: 'locations', 'aria-label': 'Source locations in the stack' }, ...links) : null,
    error.stack ? h('details', {}, h('summary', {}, 'Stack'), h('pre', { class: 'stack' }, error.stack)) : null,
  );
}

function resumeCheck(check: ResumeCheckResult): HTMLElement {
  const differing = check.tables.filter((t) => !t.equal);
  return section(
    'report-resume-check',
    'Resume check',
    h('p', { class: `verdict verdict-${check.status}` }, check.status === 'pass' ? 'Pass: killed and resumed, the script ended where an uninterrupted run ends.' : 'Fail: after kills and reruns, the end state differs from an uninterrupted run.'),
    check.error ? h('p', { class: 'error-message' }, check.error) : null,
    definitionList([
      ['Seed', String(check.seed)],
      ['Kill points', check.killPoints.map((p) => `${p.unit} ${p.n}${p.reached ? '' : ' (not reached)'}`).join(', ') || '—'],
      ['Tables compared', `${check.tables.length}, ${differing.length} differ`],
    ], { class: 'facts' }),
    ...differing.map((t) =>
      h(
        'div',
        { class: 'differing-table' },
        h('h4', {}, `${t.name}: ${formatCount(t.rows)} rows resumed vs ${formatCount(t.referenceRows)} uninterrupted`),
        t.exampleRows?.length
          ? table(['Only in', 'Row'], t.exampleRows.map((row) => [row.side === 'resumed' ? 'resumed run' : 'uninterrupted run', h('code', {}, JSON.stringify(row.row))]), { class: 'data-table' })
          : null,
      ),
    ),
  );
}

function eta(estimate: EtaEstimate): HTMLElement {
  return section(
    'report-eta',
    'ETA for production',
    h('p', { class: 'eta-value' }, estimate.etaMs === null ? 'No estimate: nothing to scale.' : `About ${formatMs(estimate.etaMs)}`),
    estimate.basis.tables.length
      ? table(
          ['Table', 'Rehearsed rows', 'Production rows', 'Rows/s', 'Counted'],
          estimate.basis.tables.map((t) => [t.name, formatCount(t.rehearsalRows), formatCount(t.productionRows), formatCount(t.rowsPerSecond), t.counted]),
          { class: 'data-table' },
        )
      : null,
    h('p', {}, h('code', {}, estimate.basis.formula)),
    h('p', { class: 'eta-error' }, estimate.error),
  );
}

const CAUSES: SiteFailureCause[] = ['conflict', 'lock-timeout', 'busy', 'statement-timeout', 'other'];

function site(report: SiteReport): HTMLElement {
  const row = (label: string, w: SiteWindowStats) => [label, formatCount(w.requests), formatMs(w.p50Ms), formatMs(w.p95Ms), formatMs(w.p99Ms), formatMs(w.maxMs), formatMs(w.longestWriteWaitMs), ...CAUSES.map((c) => formatCount(w.failures[c] ?? 0))];
  const gate = report.maxP99Ms === null ? null : h('p', { class: report.run.p99Ms > report.maxP99Ms ? 'verdict verdict-fail' : 'verdict verdict-pass' }, `Site p99 limit ${formatMs(report.maxP99Ms)}: ${report.run.p99Ms > report.maxP99Ms ? 'exceeded' : 'within'}`);
  return section(
    'report-site',
    'Site under load',
    h('p', {}, `${formatCount(report.rate)} requests/s on ${report.tables.join(', ') || 'the touched tables'}; timeouts: busy ${formatMs(report.timeouts.busyTimeoutMs)}, lock ${formatMs(report.timeouts.lockTimeoutMs)}, statement ${formatMs(report.timeouts.statementTimeoutMs)}.`),
    table(['Window', 'Requests', 'p50', 'p95', 'p99', 'Max', 'Longest write wait', ...CAUSES], [row('Baseline', report.baseline), row('During the run', report.run)], { class: 'data-table site-table' }),
    gate,
  );
}
