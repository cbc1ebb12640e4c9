// Precision of the rules beyond unbatched-loop and missing-commit on the shared corpus's clean files
// (`findings: []`, whose notes explain why their idioms are clean). Every new-rule finding on them was
// reviewed by reading the file; each is listed below with the reason it is right, quoting the notes
// where they say it. A finding that is not listed (or a listed one that disappears) fails the test, so
// a change to a rule cannot start firing on code the notes call clean without someone reviewing it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analyzer, diskHost } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import { corpusAvailable, CORPUS_DIR } from './score';

const LABELLED_RULES = new Set(['unbatched-loop', 'missing-commit']);

/** `line:rule` -> why the finding is right on a file whose hazards are labelled clean. */
const REVIEWED: Record<string, Record<string, string>> = {
  'ghost__map-subscribers-to-default-newsletter.js': {
    '28:unbounded-read': 'notes: "memberIds (unbounded pluck, lines 28-30)": every subscribed member id is loaded at once; the clean part is the batchInsert.',
  },
  'uptime-kuma__remove-line-notify.js': {
    '3:unbounded-read': 'notes: "the for-of at line 6 walks all notification rows (unbounded read)": the whole table is loaded to parse JSON in memory.',
  },
  'chat-ui__01-update-search-assistants.ts': {
    '15:non-resumable-batches': 'hint: the flush loop is correctly batched (notes), but it reads the whole collection with no filter on searchTokens and keeps no checkpoint, so a rerun recomputes every document.',
  },
  'chat-ui__02-update-assistants-models.ts': {
    '19:unbounded-read': 'notes: "one bulkWrite of all ops after .toArray() ... (Single unbounded bulkWrite, but not a loop.)": every operation is built in memory.',
  },
  'dub__backfill-default-payout-method.ts': {
    '14:unbounded-read': 'notes: "scriptOne does an unbounded findMany but then ONE updateMany": the unbounded findMany itself.',
  },
  'dub__fix-broken-workspace-users.ts': {
    '7:offset-pagination': 'notes: "Correctness bug (not a label): deleting rows from the same table while paging by OFFSET shifts later rows back, so some rows are skipped."',
  },
  'bcgov-psr__migrate-public-cloud-billings.js': {
    '26:unbounded-read': 'PublicCloudProject.find().toArray(): the whole collection in memory (the notes call the forEach loops and the set-based insertMany clean, not the reads).',
    '27:unbounded-read': 'Billing.find().toArray(): the whole collection in memory, as above.',
  },
  'rocketchat__v260.ts': {
    '26:offset-pagination': 'notes: "Correctness bug (not a label): the page filter ... stops matching docs once they are lowercased, so advancing skip by 5000 after each bulkWrite skips unprocessed documents."',
  },
  'rocketchat__v282.ts': {
    '16:unbounded-read': 'notes: "find().toArray() then set-based deleteMany / updateMany / insertMany": the whole priorities collection is loaded.',
  },
};

interface Label {
  file: string;
  findings: unknown[];
}

test('new rules on clean corpus files: only the reviewed findings', { skip: corpusAvailable() ? false : `no labelled corpus at ${CORPUS_DIR}` }, () => {
  const labels: Label[] = JSON.parse(readFileSync(join(CORPUS_DIR, 'labels.json'), 'utf8'));
  // Every `findings: []` file: their notes say why the idioms are clean ("Clean: ...", "Correctly batched", "not flagged per the fixed-list exception").
  const clean = labels.filter((l) => l.findings.length === 0);
  assert.ok(clean.length >= 15, `expected the corpus's clean files, found ${clean.length}`);
  const analyzer = new Analyzer(defaultConfig(CORPUS_DIR), diskHost);
  const unexpected: string[] = [];
  const missing: string[] = [];
  let shown = 0;
  for (const label of clean) {
    const result = analyzer.analyzeFile(join(CORPUS_DIR, label.file));
    assert.equal(result.fatal, undefined, `${label.file}: ${result.fatal?.message}`);
    const got = result.findings.filter((f) => !LABELLED_RULES.has(f.ruleId)).map((f) => `${f.range.start.line + 1}:${f.ruleId}`);
    const reviewed = REVIEWED[label.file] ?? {};
    for (const key of got) {
      if (reviewed[key]) shown++;
      else unexpected.push(`${label.file}:${key} — ${result.findings.find((f) => `${f.range.start.line + 1}:${f.ruleId}` === key)?.message}`);
    }
    for (const key of Object.keys(reviewed)) if (!got.includes(key)) missing.push(`${label.file}:${key}`);
  }
  console.log(`new rules on ${clean.length} clean corpus files: ${shown} reviewed findings, ${unexpected.length} unreviewed`);
  assert.deepEqual(unexpected, [], 'new-rule findings on clean files that nobody reviewed: read the file and its notes, then fix the rule or list the finding with its reason');
  assert.deepEqual(missing, [], 'reviewed findings that no longer appear: update the list');
});
