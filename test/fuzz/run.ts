// `npm run fuzz [-- --seed N] [--count N] [--budget MS]`: runs the analyzer over generated inputs
// (10,000 by default, from a random first seed unless given) and prints each failure with its seed;
// `--seed S --count 1` reproduces one. Exits 1 when any input fails.
import { parseArgs } from 'node:util';
import { checkInput, fuzzAnalyzer } from './check';
import { generate } from './generate';

const { values } = parseArgs({
  options: { seed: { type: 'string' }, count: { type: 'string', default: '10000' }, budget: { type: 'string', default: '2000' } },
});
const first = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);
const count = Number(values.count);
const budgetMs = Number(values.budget);
if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1 || !(budgetMs > 0)) {
  console.error('usage: npm run fuzz -- [--seed N] [--count N] [--budget MS]  (integers; count and budget above 0)');
  process.exit(2);
}

console.log(`fuzzing ${count} inputs from seed ${first} (budget ${budgetMs} ms per file)`);
const analyzer = fuzzAnalyzer({ budgetMs });
const started = performance.now();
let failed = 0;
for (let seed = first; seed < first + count; seed++) {
  const input = generate(seed);
  const problems = checkInput(analyzer, input);
  if (problems.length > 0) {
    failed++;
    console.log(`FAIL seed ${seed} [${input.kind}] ${input.description} (${input.file})`);
    for (const p of problems) console.log(`  ${p.split('\n').slice(0, 8).join('\n  ')}`);
    console.log(`  reproduce: npm run fuzz -- --seed ${seed} --count 1`);
  }
  if ((seed - first + 1) % 1000 === 0) console.log(`  ${seed - first + 1} done, ${failed} failed`);
}
console.log(`${count} inputs from seed ${first}: ${count - failed} passed, ${failed} failed (${Math.round((performance.now() - started) / 1000)} s)`);
process.exit(failed > 0 ? 1 : 0);
