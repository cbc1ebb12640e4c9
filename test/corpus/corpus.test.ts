// The labelled real-script corpus: precision 1.0 and recall ≥ 0.96 are the floor (see issue 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corpusAvailable, CORPUS_DIR, scoreCorpus } from './score';

test('real-script corpus: precision and recall', { skip: corpusAvailable() ? false : `no labelled corpus at ${CORPUS_DIR}` }, () => {
  const s = scoreCorpus();
  console.log(`corpus: precision ${s.precision.toFixed(3)} recall ${s.recall.toFixed(3)} (${s.matched}/${s.labelled} labelled, ${s.reported} reported)`);
  assert.deepEqual(s.falsePositives, [], 'no false positives');
  assert.equal(s.precision, 1);
  assert.ok(s.recall >= 0.96, `recall ${s.recall} below 0.96; misses: ${JSON.stringify(s.misses)}`);
});
