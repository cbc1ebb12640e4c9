// Text for people: the progress line on a terminal and the summary after a rehearsal.
import { etaLines, resumeCheckLines } from './format-checks';
import { siteLines } from './format-site';
import type { ProgressSnapshot, RehearsalReport } from './protocol';

const number = (n: number) => Math.round(n).toLocaleString('en-US');

export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * One progress line. With eachBatch's total it is a real bar; otherwise rows written are shown
 * against the size of the tables touched so far, or as an indeterminate spinner: never a guess.
 */
export function progressLine(p: ProgressSnapshot, elapsedMs: number, width = 24): string {
  const spin = SPINNER[Math.floor(elapsedMs / 100) % SPINNER.length];
  const open = p.openTransactionMs === null ? '' : `, one open for ${duration(p.openTransactionMs)}`;
  const tx = `${number(p.transactions)} tx, longest ${duration(p.longestTransactionMs)}${open}`;
  if (p.batch && p.batch.total) {
    const fraction = Math.min(1, p.batch.rows / p.batch.total);
    const filled = Math.round(fraction * width);
    const eta = p.batch.etaMs !== null ? `, ${duration(p.batch.etaMs)} left` : '';
    return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${Math.floor(fraction * 100)}% ${number(p.batch.rows)}/${number(p.batch.total)} rows, batch ${p.batch.batch}${eta} · ${tx}`;
  }
  const written = `${number(p.rowsWritten)} rows written`;
  const against = p.touchedRows !== null ? ` (${p.touchedTables.join(', ')}: ${number(p.touchedRows)} rows before)` : '';
  return `${spin} ${duration(elapsedMs)} · ${written}${against} · ${number(p.statements)} statements · ${tx}`;
}

function kinds(statements: RehearsalReport['statements']): string {
  const parts = Object.entries(statements)
    .filter(([kind, n]) => kind !== 'total' && n > 0)
    .map(([kind, n]) => `${kind} ${number(n)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function summary(report: RehearsalReport, scriptLabel: string): string {
  const t = report.transactions;
  const lines = [
    `Rehearsal of ${scriptLabel}: ${report.status.toUpperCase()}`,
    `  snapshot       ${report.snapshot.source} (${report.snapshot.engine}, ${bytes(report.snapshot.bytes)} copied in ${duration(report.snapshot.ms)}${report.snapshot.method ? ` by ${report.snapshot.method}` : ''})`,
    `  duration       ${duration(report.durationMs)}`,
    `  rows           ${number(report.rowsWritten)} written, ${number(report.rowsRead)} read (${number(report.rowsPerSecond)} rows/s written)`,
    `  statements     ${number(report.statements.total)}${kinds(report.statements)}`,
    `  transactions   ${number(t.count)}: ${number(t.commits)} committed, ${number(t.rollbacks)} rolled back, ${t.openAtExit} open at exit; longest ${duration(t.longestMs)}, median ${duration(t.p50Ms)}`,
    `  batches        ${number(report.batches)} (retries ${number(report.retries)}, conflicts ${number(report.conflicts)})`,
    `  autocommit     ${number(report.writesOutsideTransaction)} write statements outside any transaction`,
  ];
  if (report.locks) {
    const l = report.locks;
    lines.push(`  locks          ${number(l.waits)} waits (${duration(l.waitMs)} in all, longest ${duration(l.longestWaitMs)}); longest held by a transaction ${duration(l.longestHeldMs)}`);
  }
  for (const table of report.tables) {
    lines.push(`  table ${table.name.padEnd(8)} ${table.rowsBefore === null ? '?' : number(table.rowsBefore)} → ${table.rowsAfter === null ? '?' : number(table.rowsAfter)} rows`);
  }
  lines.push(...siteLines(report), ...etaLines(report), ...resumeCheckLines(report));
  if (report.snapshot.path) lines.push(`  kept snapshot  ${report.snapshot.path}`);
  for (const message of report.thresholds.exceeded) lines.push(`  ✖ ${message}`);
  if (report.error) lines.push('', `  ${report.error.stack ?? report.error.message}`.replace(/\n/g, '\n  '));
  return lines.join('\n') + '\n';
}
