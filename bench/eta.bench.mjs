// How wrong is the running ETA (server/src/rehearsal/eta.ts, ProgressEta)? A keyset-batched
// backfill runs on a real SQLite table; at 10, 25 and 50% of the rows the ETA of the whole run is
// taken and later compared with how long the run really took. Two tables: uniform rows, and skewed
// rows (the last fifth carries 40 times the payload, as when recent rows are the big ones).
// The error is |estimate - real| / real, the median over the runs; target (issue 10): <= 15% from
// 10% progress on uniform rows. The skewed figures have no target: they show why the docs warn.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isMain, runStandalone } from './harness.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const ROWS = 60_000;
const BATCH = 500;
const CHECKPOINTS = [0.1, 0.25, 0.5];

function makeTable(Database, file, skewed) {
  const db = new Database(file);
  db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, body TEXT NOT NULL, digest TEXT)');
  const insert = db.prepare('INSERT INTO items (body) VALUES (?)');
  const small = 'x'.repeat(50);
  const large = 'y'.repeat(2000);
  db.transaction(() => {
    for (let i = 1; i <= ROWS; i++) insert.run(skewed && i > ROWS * 0.8 ? large : small);
  })();
  db.close();
}

/** The backfill: per batch, read a page by key and rewrite a derived column, one commit per batch. */
function backfill(Database, file, ProgressEta) {
  const db = new Database(file);
  const page = db.prepare('SELECT id, body FROM items WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE items SET digest = ? WHERE id = ?');
  const runBatch = db.transaction((rows) => {
    for (const row of rows) update.run(row.body.toUpperCase().split('').reverse().join('').slice(0, 32), row.id);
  });
  const startedAt = performance.now();
  const eta = new ProgressEta({ now: () => performance.now() });
  const estimates = [];
  let done = 0;
  for (let after = 0; ; ) {
    const rows = page.all(after, BATCH);
    if (rows.length === 0) break;
    runBatch(rows);
    done += rows.length;
    after = rows.at(-1).id;
    while (estimates.length < CHECKPOINTS.length && done >= CHECKPOINTS[estimates.length] * ROWS) estimates.push(eta.estimate(done, ROWS).totalMs);
  }
  const realMs = performance.now() - startedAt;
  db.close();
  return estimates.map((estimate) => Math.abs(estimate - realMs) / realMs);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const percent = (fraction) => Math.round(fraction * 1000) / 10;

export async function run(ctx) {
  const Database = createRequire(join(ctx.root, 'package.json'))('better-sqlite3');
  const { tsImport } = await import('tsx/esm/api');
  const { ProgressEta } = await tsImport(pathToFileURL(join(ctx.root, 'server', 'src', 'rehearsal', 'eta.ts')).href, import.meta.url);
  const results = [];
  for (const skewed of [false, true]) {
    const errors = CHECKPOINTS.map(() => []);
    for (let i = 0; i < ctx.runs; i++) {
      const file = join(ctx.tmpDir, `eta-${skewed ? 'skewed' : 'uniform'}-${i}.db`);
      makeTable(Database, file, skewed);
      backfill(Database, file, ProgressEta).forEach((error, at) => errors[at].push(error));
      rmSync(file, { force: true });
    }
    CHECKPOINTS.forEach((at, index) => {
      results.push({
        metric: `ETA error at ${at * 100}% progress, ${skewed ? 'skewed' : 'uniform'} rows (${ROWS.toLocaleString('en-US')} rows)`,
        value: percent(median(errors[index])),
        unit: '%',
        ...(!skewed && at === 0.1 ? { target: '<= 15' } : {}),
        note: '|ETA - real duration| / real duration, median of runs',
      });
    });
  }
  return { name: 'eta', results };
}

if (isMain(THIS_FILE)) await runStandalone(THIS_FILE, run);
