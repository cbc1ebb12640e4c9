// Summary lines for the resume check and the ETA (format.ts prints them after the tables).
import { duration } from './format';
import type { RehearsalReport } from './protocol';
import { describeKillPoint } from './resume-check';

const number = (n: number) => Math.round(n).toLocaleString('en-US');

export function etaLines(report: RehearsalReport): string[] {
  const eta = report.eta;
  if (!eta || eta.etaMs === null) return [];
  const tables = eta.basis.tables.map((t) => `${t.name} ${number(t.rehearsalRows)} → ${number(t.productionRows)} rows (${number(t.rowsPerSecond)} rows/s; ${t.counted})`);
  return [`  production ETA ${duration(eta.etaMs)}, from ${tables.join('; ')}`, `${INDENT}${eta.basis.formula}`, ...wrap(eta.error, 100 - INDENT.length).map((line) => INDENT + line)];
}

const INDENT = ' '.repeat(17);

/** Breaks a paragraph into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return line ? [...lines, line] : lines;
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
