// Summary lines for the resume check and the ETA (format.ts prints them after the tables).
import { duration } from './format';
import type { RehearsalReport } from './protocol';
import { describeKillPoint } from './resume-check';

const number = (n: number) => Math.round(n).toLocaleString('en-US');

export function etaLines(report: RehearsalReport): string[] {
  const eta = report.eta;
  if (!eta || eta.etaMs === null) return [];
  const tables = eta.basis.tables.map((t) => `${t.name} ${number(t.rehearsalRows)} → ${number(t.productionRows)} rows (${number(t.rowsPerSecond)} rows/s; ${t.counted})`);
  return [`  production ETA ${duration(eta.etaMs)}, from ${tables.join('; ')}`, `                 ${eta.basis.formula}`, `                 ${eta.error}`];
}

export function resumeCheckLines(report: RehearsalReport): string[] {
  const check = report.resumeCheck;
  if (!check) return [];
  const kills = check.killPoints.map((p) => `${describeKillPoint(p)}${p.reached ? '' : ' (ended before)'}`).join(', ');
  const lines = [`  resume check   ${check.status.toUpperCase()} (seed ${check.seed}; killed at ${kills || 'no point'})`];
  if (check.error) lines.push(`  ✖ ${check.error}`);
  for (const table of check.tables) {
    if (table.equal) continue;
    lines.push(`  ✖ table ${table.name} differs from the uninterrupted run: ${table.rows ?? 'missing'} rows vs ${table.referenceRows ?? 'missing'}`);
    for (const example of table.exampleRows ?? []) lines.push(`      ${example.side === 'resumed' ? 'after kills ' : 'uninterrupted'} ${JSON.stringify(example.row)}`);
  }
  if (check.status === 'fail' && !check.error) {
    lines.push(`  The script is not safe to rerun after a crash. Replay with --resume-check ${check.killPoints.length} --seed ${check.seed}.`);
  }
  return lines;
}
