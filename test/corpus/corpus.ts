// `npm run corpus`: lints the labelled real scripts in ../shared/corpus/dev and prints precision/recall.
import { corpusAvailable, CORPUS_DIR, scoreCorpus } from './score';

if (!corpusAvailable()) {
  console.log(`corpus check skipped: ${CORPUS_DIR}/labels.json not found (the shared corpus is not beside this checkout).`);
  process.exit(0);
}
const s = scoreCorpus();
console.log(`Corpus: ${s.files} files, ${s.labelled} labelled hazards, ${s.reported} reported (optional labels excluded)`);
console.log(`precision ${s.precision.toFixed(3)}  recall ${s.recall.toFixed(3)}  (matched ${s.matched})`);
for (const fp of s.falsePositives) console.log(`  false positive  ${fp.file}:${fp.line}  ${fp.rule}: ${fp.message.slice(0, 120)}`);
for (const m of s.misses) console.log(`  missed          ${m.file}:${m.line}  ${m.why.slice(0, 120)}`);
