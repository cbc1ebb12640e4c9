// `npm run demo`: the README's main job on the embedded default (SQLite).
//  1. creates a realistic database (200,000 users) in .tmp/demo/,
//  2. lints examples/ with `evolve lint`,
//  3. rehearses an unbatched backfill and its eachBatch twin on snapshots of that database,
//  4. prints the two reports side by side, and checks the database itself never changed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeDemoDb } from './make-demo-db.mjs';
import { rehearseCommand } from './rehearse-command.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = join(root, '.tmp', 'demo');
const users = Number(process.env.EVOLVE_DEMO_USERS ?? 200_000);
const cli = join(root, 'bin', 'evolve.js');

const step = (text) => console.log(`\n\x1b[1m▸ ${text}\x1b[0m`);
const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function evolve(args, options = {}) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

step(`Creating a SQLite database with ${users.toLocaleString('en-US')} users`);
mkdirSync(dir, { recursive: true });
const database = join(dir, 'app.db');
const started = Date.now();
makeDemoDb(database, users);
console.log(`${database} (${Date.now() - started} ms)`);
const sourceHash = sha256(database);

step('evolve lint examples');
if (evolve(['lint', '--help']).status === 0) evolve(['lint', 'examples'], { stdio: 'inherit' });
else console.log('(evolve lint is not available in this build: skipped)');

const rehearse = rehearseCommand(root);
const scripts = [
  { label: 'unbatched (one transaction)', file: 'examples/rehearsal/backfill-unbatched.ts' },
  { label: 'eachBatch (1,000 per batch)', file: 'examples/rehearsal/backfill-batched.ts' },
];
const reports = [];
for (const { label, file } of scripts) {
  step(`evolve rehearse ${file} --snapshot ${database}`);
  const reportFile = join(dir, `${file.split('/').pop()}.report.json`);
  const run = spawnSync(process.execPath, [...rehearse, file, '--snapshot', database, '--report', reportFile], { cwd: root, stdio: 'inherit' });
  if (run.status === 2) {
    console.error(`evolve rehearse could not start (exit 2): see the message above.`);
    process.exit(1);
  }
  reports.push({ label, report: JSON.parse(readFileSync(reportFile, 'utf8')) });
}

const ms = (n) => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(2)} s`);
const int = (n) => Math.round(n).toLocaleString('en-US');
const rows = [
  ['status', (r) => r.status],
  ['duration', (r) => ms(r.durationMs)],
  ['longest transaction', (r) => ms(r.transactions.longestMs)],
  ['median transaction', (r) => ms(r.transactions.p50Ms)],
  ['transactions', (r) => int(r.transactions.count)],
  ['rows written', (r) => int(r.rowsWritten)],
  ['throughput', (r) => `${int(r.rowsPerSecond)} rows/s`],
  ['batches (eachBatch)', (r) => int(r.batches)],
  ['statements', (r) => int(r.statements.total)],
];
step('Side by side');
const width = 24;
console.log(''.padEnd(width) + reports.map((r) => r.label.padEnd(30)).join(''));
for (const [name, value] of rows) console.log(name.padEnd(width) + reports.map((r) => String(value(r.report)).padEnd(30)).join(''));
const [unbatched, batched] = reports.map((r) => r.report);
if (batched.transactions.longestMs > 0) {
  console.log(
    `\nThe unbatched script held one write transaction for ${ms(unbatched.transactions.longestMs)}: the application's writes wait that long.` +
      `\nIn batches, no transaction lasted longer than ${ms(batched.transactions.longestMs)}.`,
  );
}
console.log(sha256(database) === sourceHash ? `\n${database} is byte-identical: every write went to a snapshot.` : '\nWARNING: the source database changed!');
process.exit(reports.every((r) => r.report.status === 'ok') ? 0 : 1);
