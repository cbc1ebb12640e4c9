// Crash and stop a backfill running in its own process: SIGKILL at random committed batches, then
// resume, several times, must end with exactly the data of an uninterrupted run; SIGTERM commits the
// batch in flight and a rerun resumes after it. On a SQLite file and on the local PostgreSQL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import test from 'node:test';
import pg from 'pg';
import { createPgDatabase, expectedItems, readSqliteItems, seedPgUrl, seedSqlite, tempDir, type Item } from './helpers.js';

const CHILD = join(__dirname, 'fixtures', 'backfill-child.ts');
const ROWS = 1500; // 30 batches of 50
const BATCHES = ROWS / 50;

interface Line {
  type: string;
  batch?: number;
  lastKey?: number;
  resumedFrom?: number | null;
  cancelled?: boolean;
  rows?: number;
}

/** Runs the child; `onLine` may act on its output (kill it, signal it). Resolves with its lines and exit. */
function runChild(target: string, args: string[], onLine: (line: Line, child: ReturnType<typeof spawn>) => void = () => {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, target, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Line[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Line;
    lines.push(line);
    onLine(line, child);
  });
  return new Promise<{ lines: Line[]; code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ lines, code, signal, stderr })),
  );
}

async function killAtRandomBatchesThenFinish(target: string, readAll: () => Promise<Item[]>) {
  const killedAfter: number[] = [];
  let committed = 0;
  for (let round = 0; round < 5 && committed < BATCHES - 1; round++) {
    const killAt = 1 + Math.floor(Math.random() * Math.min(6, BATCHES - committed - 1));
    const run = await runChild(target, [], (line, child) => {
      if (line.type === 'batch' && line.batch === killAt) child.kill('SIGKILL');
    });
    assert.equal(run.signal, 'SIGKILL', `round ${round}: the child was killed (stderr: ${run.stderr})`);
    const start = run.lines.find((l) => l.type === 'start')!;
    assert.equal(start.resumedFrom, committed === 0 ? null : committed * 50, `round ${round} resumed after the last committed batch`);
    // The kill lands after batch killAt committed, possibly while the next one was in flight.
    const rows = await readAll();
    committed = rows.filter((r) => Number(r.touched) === 1).length / 50;
    assert.ok(Number.isInteger(committed) && committed >= (start.resumedFrom ?? 0) / 50 + killAt, `round ${round}: whole batches only (${committed})`);
    assert.ok(rows.every((r) => Number(r.touched) <= 1), `round ${round}: no row was processed twice`);
    killedAfter.push(killAt);
  }
  const last = await runChild(target, []);
  assert.equal(last.code, 0, last.stderr);
  assert.equal(last.lines.at(-1)!.type, 'summary');
  assert.ok(killedAfter.length >= 2, `killed ${killedAfter.length} times`);
}

async function stopWithSigtermThenResume(target: string, readAll: () => Promise<Item[]>) {
  const stopped = await runChild(target, ['--wait-for-stop-in-batch', '3'], (line, child) => {
    if (line.type === 'in-flight') child.kill('SIGTERM');
  });
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stderr, /SIGTERM received, finishing the current batch then stopping/);
  const summary = stopped.lines.at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.equal(summary.cancelled, true);
  assert.equal(summary.rows, 150, 'batch 3, in flight at the SIGTERM, committed');
  assert.equal((await readAll()).filter((r) => Number(r.touched) === 1).length, 150);
  const resumed = await runChild(target, []);
  assert.equal(resumed.lines.find((l) => l.type === 'start')!.resumedFrom, 150);
  assert.equal(resumed.lines.at(-1)!.rows, ROWS - 150);
}

const normalize = (rows: Item[]) => rows.map((r) => ({ id: Number(r.id), value: Number(r.value), touched: Number(r.touched) }));

test('SQLite: SIGKILL at random batches, resume, repeat: same data as an uninterrupted run', async (t) => {
  const dir = tempDir(t);
  const crashed = join(dir, 'crashed.db');
  const clean = join(dir, 'clean.db');
  seedSqlite(crashed, ROWS).close();
  seedSqlite(clean, ROWS).close();
  await killAtRandomBatchesThenFinish(crashed, async () => readSqliteItems(crashed));
  const uninterrupted = await runChild(clean, []);
  assert.equal(uninterrupted.code, 0, uninterrupted.stderr);
  assert.deepEqual(readSqliteItems(crashed), readSqliteItems(clean));
  assert.deepEqual(normalize(readSqliteItems(crashed)), expectedItems(ROWS));
});

test('SQLite: SIGTERM commits the batch in flight; a rerun resumes after it', async (t) => {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, ROWS).close();
  await stopWithSigtermThenResume(file, async () => readSqliteItems(file));
  assert.deepEqual(normalize(readSqliteItems(file)), expectedItems(ROWS));
});

test('PostgreSQL: SIGKILL at random batches and SIGTERM, then resume: exactly-once data', async (t) => {
  const crashed = await createPgDatabase('evolve_rt_crash');
  if ('skip' in crashed) return t.skip(crashed.skip);
  const stopped = await createPgDatabase('evolve_rt_stop');
  if ('skip' in stopped) return t.skip(stopped.skip);
  const readAll = (url: string) => async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query('SELECT * FROM items ORDER BY id')).rows as Item[];
    } finally {
      await client.end();
    }
  };
  try {
    await seedPgUrl(crashed.url, ROWS);
    await killAtRandomBatchesThenFinish(crashed.url, readAll(crashed.url));
    assert.deepEqual(normalize(await readAll(crashed.url)()), expectedItems(ROWS));
    await seedPgUrl(stopped.url, ROWS);
    await stopWithSigtermThenResume(stopped.url, readAll(stopped.url));
    assert.deepEqual(normalize(await readAll(stopped.url)()), expectedItems(ROWS));
  } finally {
    await crashed.drop();
    await stopped.drop();
  }
});
