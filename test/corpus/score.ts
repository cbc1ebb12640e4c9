// Scores lint findings against the labelled real-script corpus (../shared/corpus/dev), exactly as its
// README says: unbatched-loop and missing-commit count together as hazards; a report matches a label of
// either rule in the same file within 5 lines, one-to-one, nearest first; optional labels count neither way.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Analyzer, diskHost } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** The shared corpus beside the checkout (`../shared/corpus/dev`), or EVOLVE_CORPUS. */
export const CORPUS_DIR = process.env.EVOLVE_CORPUS ?? resolve(repoRoot(), '../shared/corpus/dev');

interface Label {
  file: string;
  findings: { rule: string; line: number; why: string; optional?: boolean }[];
}

export interface CorpusScore {
  files: number;
  reported: number;
  matched: number;
  labelled: number;
  precision: number;
  recall: number;
  falsePositives: { file: string; line: number; rule: string; message: string }[];
  misses: { file: string; line: number; why: string }[];
}

export function corpusAvailable(dir = CORPUS_DIR): boolean {
  return existsSync(join(dir, 'labels.json'));
}

export function scoreCorpus(dir = CORPUS_DIR): CorpusScore {
  const labels: Label[] = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8'));
  const analyzer = new Analyzer(defaultConfig(dir), diskHost);
  const score: CorpusScore = { files: labels.length, reported: 0, matched: 0, labelled: 0, precision: 1, recall: 1, falsePositives: [], misses: [] };
  for (const label of labels) {
    const result = analyzer.analyzeFile(join(dir, label.file));
    const reports = result.findings
      .filter((f) => f.ruleId === 'unbatched-loop' || f.ruleId === 'missing-commit')
      .map((f) => ({ line: f.range.start.line + 1, rule: f.ruleId, message: f.message, used: false }));
    const wanted = label.findings.map((l) => ({ ...l, used: false }));
    // Pair nearest first, one-to-one.
    const pairs: { r: number; l: number; d: number }[] = [];
    reports.forEach((r, ri) => wanted.forEach((l, li) => {
      const d = Math.abs(r.line - l.line);
      if (d <= 5) pairs.push({ r: ri, l: li, d });
    }));
    pairs.sort((a, b) => a.d - b.d);
    for (const p of pairs) {
      if (reports[p.r].used || wanted[p.l].used) continue;
      reports[p.r].used = true;
      wanted[p.l].used = true;
      if (!wanted[p.l].optional) score.matched++;
    }
    for (const r of reports) {
      // A report that matched an optional label counts neither way.
      if (!r.used) score.falsePositives.push({ file: label.file, line: r.line, rule: r.rule, message: r.message });
    }
    const matchedOptional = reports.filter((r) => r.used).length - wanted.filter((l) => l.used && !l.optional).length;
    score.reported += reports.length - matchedOptional;
    for (const l of wanted) {
      if (l.optional) continue;
      score.labelled++;
      if (!l.used) score.misses.push({ file: label.file, line: l.line, why: l.why });
    }
  }
  score.precision = score.reported === 0 ? 1 : score.matched / score.reported;
  score.recall = score.labelled === 0 ? 1 : score.matched / score.labelled;
  return score;
}
