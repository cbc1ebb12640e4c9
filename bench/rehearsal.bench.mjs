// The rehearsal engine's costs, on the demo's 200,000-user SQLite database:
//  - the snapshot (a copy of the files under a read transaction, in the rehearsal child) against `cp` of the same file;
//  - tracing: the same backfill script timed inside a rehearsal (traced) and in a plain Node
//    process on a copy of the database (untraced).
// Part of `npm run bench`; alone: `node bench/rehearsal.bench.mjs [--runs N]` (after `npm run build`).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { makeDemoDb } from '../scripts/make-demo-db.mjs';
import { rehearseCommand } from '../scripts/rehearse-command.mjs';
import { isMain, runStandalone } from './harness.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const USERS = 200_000;

// Commits every 1,000 rows: the statement mix of a typical batched backfill.
const BACKFILL = `module.exports = async function ({ db }) {
  const page = db.prepare('SELECT id, first_name, last_name FROM users WHERE id > ? ORDER BY id LIMIT 1000');
  const update = db.prepare('UPDATE users SET display_name = ? WHERE id = ?');
  const apply = db.transaction((rows) => { for (const r of rows) update.run(r.first_name + ' ' + r.last_name[0] + '.', r.id); });
  for (let after = 0, rows; (rows = page.all(after)).length > 0; after = rows[rows.length - 1].id) apply(rows);
};
`;

// Runs the same script without Evolve: plain better-sqlite3 on a fresh copy; prints the script's ms.
const UNTRACED = `const Database = require(process.argv[2]);
const { closeSync, copyFileSync, fsyncSync, openSync } = require('node:fs');
copyFileSync(process.argv[3], process.argv[4]);
// The rehearsal's snapshot is on disk before its script starts (the backup API syncs it): same here.
const fd = openSync(process.argv[4], 'r+');
fsyncSync(fd);
closeSync(fd);
const db = new Database(process.argv[4]);
const script = require(process.argv[5]);
const start = performance.now();
Promise.resolve(script({ db })).then(() => { process.stdout.write(String(performance.now() - start)); db.close(); });
`;

function rehearse(ctx, command, script, database) {
  const run = spawnSync(process.execPath, [...command, script, '--snapshot', database, '--json'], { cwd: ctx.tmpDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    throw new Error(`evolve rehearse did not print a report (exit ${run.status}):\n${run.stderr.slice(-2000)}`);
  }
  if (report.status !== 'ok') throw new Error(`the rehearsal failed: ${JSON.stringify(report.error)}`);
  return report;
}

function timed(command, args) {
  const start = performance.now();
  const run = spawnSync(command, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${run.stderr}`);
  return { ms: performance.now() - start, stdout: run.stdout };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

export async function run(ctx) {
  const database = join(ctx.tmpDir, 'app.db');
  makeDemoDb(database, USERS);
  const command = rehearseCommand(ctx.root);
  const noop = join(ctx.tmpDir, 'noop.js');
  const backfill = join(ctx.tmpDir, 'backfill.js');
  const untraced = join(ctx.tmpDir, 'untraced.cjs');
  writeFileSync(noop, 'module.exports = async () => {};\n');
  writeFileSync(backfill, BACKFILL);
  writeFileSync(untraced, UNTRACED);
  const driver = join(ctx.root, 'node_modules', 'better-sqlite3');

  // Round-robin, so a slow spell of the machine hits both sides of each ratio alike; every other
  // round in reverse order, so neither side always runs right after the other (harness.mjs medians).
  const samples = { snapshot: [], cp: [], traced: [], untraced: [] };
  rehearse(ctx, command, noop, database); // warm-up: page cache, esbuild, the child's first start
  const steps = [
    () => samples.snapshot.push(rehearse(ctx, command, noop, database).snapshot.ms),
    () => samples.cp.push(timed('cp', [database, join(ctx.tmpDir, 'cp.db')]).ms),
    () => samples.traced.push(rehearse(ctx, command, backfill, database).durationMs),
    () => samples.untraced.push(Number(timed(process.execPath, [untraced, driver, database, join(ctx.tmpDir, 'plain.db'), backfill]).stdout)),
  ];
  for (let i = 0; i < ctx.runs; i++) for (const step of i % 2 === 0 ? steps : [...steps].reverse()) step();
  return {
    name: 'rehearsal',
    results: [
      { metric: `SQLite snapshot, ${USERS.toLocaleString('en-US')} users (file copy under a read transaction)`, value: median(samples.snapshot), unit: 'ms', baseline: median(samples.cp), target: '<= 1.2', note: 'baseline: cp of the same file' },
      { metric: 'backfill script, traced in a rehearsal', value: median(samples.traced), unit: 'ms', baseline: median(samples.untraced), target: '<= 1.05', note: 'baseline: the same script untraced' },
    ],
  };
}

if (isMain(THIS_FILE)) await runStandalone(THIS_FILE, run);
