// `--site-load` on SQLite: the site runs in its own process on its own connections, its baseline
// window comes before the script, the unbatched example's long transaction makes the site's writes
// wait that long (or fail busy), failures are classified, and the site never outlives the run.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { leftovers, rehearse, seedSqlite, workspace } from './helpers';
import { cli, running, sitePid } from './site-helpers';

const root = join(__dirname, '..', '..');

async function makeDemoDb(file: string, users: number): Promise<void> {
  const made = (await import('../../scripts/make-demo-db.mjs' as string)) as { makeDemoDb(file: string, users: number): number };
  made.makeDemoDb(file, users);
}

/** A synchronous script that holds one write transaction for `ms` (it blocks the child's event loop too). */
const HOLD_WRITE_LOCK = (ms: number) => `import type Database from 'better-sqlite3';
export default async function ({ db }: { db: Database.Database }) {
  db.transaction(() => {
    db.prepare("UPDATE users SET display = 'x' WHERE id = 1").run();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${ms});
  })();
}
`;

test('site load (sqlite): the unbatched example makes site writes wait for its whole transaction, in a process of its own', async (t) => {
  const ws = workspace(t);
  await makeDemoDb(join(ws.dir, 'app.db'), 40_000);
  mkdirSync(join(ws.dir, 'scripts'));
  copyFileSync(join(root, 'examples', 'rehearsal', 'backfill-unbatched.ts'), join(ws.dir, 'scripts', 'backfill.ts'));
  const r = rehearse(ws, { script: 'scripts/backfill.ts', snapshot: 'app.db', siteLoad: { rate: 200, writeRatio: 0.5, baselineMs: 600, seed: 7 } });
  const report = await r.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const site = report.site;
  assert.ok(site, 'the report has the site');
  const started = r.events.find((e) => e.type === 'started');
  assert.ok(started?.type === 'started');
  assert.equal(site.pid, sitePid(r.events));
  assert.notEqual(site.pid, started.pid, 'the site is not the rehearsal child');
  assert.notEqual(site.pid, process.pid);
  assert.deepEqual(site.tables, ['users'], 'the tables the script names');
  assert.deepEqual(site.timeouts, { busyTimeoutMs: 5000, lockTimeoutMs: 2000, statementTimeoutMs: 10_000 });
  assert.equal(site.maxP99Ms, null);

  // The baseline window, before the script: requests, and chart samples on the negative side of the script's clock.
  assert.ok(site.baseline.durationMs >= 600, `baseline ${site.baseline.durationMs} ms`);
  assert.ok(site.baseline.requests > 0 && site.run.requests > 0);
  const samples = r.events.flatMap((e) => (e.type === 'site-sample' ? [e.sample] : []));
  assert.ok(samples.some((s) => s.elapsedMs < 0) && samples.some((s) => s.elapsedMs > 0), JSON.stringify(samples));
  assert.deepEqual(samples.map((s) => s.elapsedMs), [...samples.map((s) => s.elapsedMs)].sort((a, b) => a - b), 'samples in time order');
  assert.ok(samples.reduce((n, s) => n + s.requests, 0) <= site.baseline.requests + site.run.requests, 'the samples count finished requests of the two windows');

  // The script's one transaction: a site write that came during it waited until it committed.
  const longest = report.transactions.longestMs;
  const busy = site.run.failures.busy;
  assert.ok(site.run.longestWriteWaitMs >= longest - 150 || busy > 0, `longest write wait ${site.run.longestWriteWaitMs} ms vs the script's transaction ${longest} ms (busy failures ${busy})`);
  assert.ok(site.baseline.longestWriteWaitMs < longest, 'no such wait before the script');
  assert.ok(site.run.maxMs >= site.run.longestWriteWaitMs - 1);
  // The site's no-op writes change nothing the script reports.
  assert.equal(report.rowsWritten, 40_000);
  assert.equal(running(site.pid as number), false, 'the site process is gone');
  assert.deepEqual(leftovers(ws), []);
});

test('site load (sqlite): writes over busy_timeout fail as busy; samples arrive while a synchronous script blocks the child', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 500);
  ws.write('hold.ts', HOLD_WRITE_LOCK(1500));
  const r = rehearse(ws, { script: 'hold.ts', snapshot: 'app.db', siteLoad: { rate: 25, writeRatio: 1, baselineMs: 300, busyTimeoutMs: 50, seed: 1 } });
  const report = await r.report;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const site = report.site;
  assert.ok(site);
  // (The site's own writes can collide in the baseline too on a slow disk: four connections, one database lock.)
  assert.ok(site.run.failures.busy > 0, JSON.stringify(site));
  assert.deepEqual([site.run.failures.conflict, site.run.failures['lock-timeout'], site.run.failures['statement-timeout']], [0, 0, 0]);
  // fd 4 goes from the site to the engine directly: run samples come before the child can speak again.
  const closed = r.events.findIndex((e) => e.type === 'transaction-closed');
  const during = r.events.findIndex((e) => e.type === 'site-sample' && e.sample.elapsedMs > 0 && e.sample.failures > 0);
  assert.ok(during >= 0 && during < closed, `a sample of the blocked run (event ${during}) before the transaction closed (event ${closed})`);
});

test('site load (sqlite): a cancel and a crash of the child end the site process', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 500);
  ws.write('loop.ts', `export default async function ({ db, signal }: { db: any; signal: AbortSignal }) {
  while (!signal.aborted) { db.prepare("UPDATE users SET display = 'y' WHERE id = 2").run(); await new Promise((r) => setTimeout(r, 5)); }
}
`);
  for (const end of ['cancel', 'crash'] as const) {
    const r = rehearse(ws, { script: 'loop.ts', snapshot: 'app.db', siteLoad: { rate: 50, baselineMs: 200 } });
    await r.when((e) => e.type === 'site-sample' && e.sample.elapsedMs > 0);
    const pid = sitePid(r.events);
    assert.equal(running(pid), true);
    if (end === 'cancel') r.run.cancel();
    else process.kill(r.run.child.pid as number, 'SIGKILL');
    const report: RehearsalReport = await r.report;
    assert.equal(report.status, end === 'cancel' ? 'cancelled' : 'failed');
    if (end === 'cancel') assert.ok(report.site && report.site.run.durationMs > 0, `a cancelled run still reports the site: ${JSON.stringify(report.site)}`);
    assert.equal(running(pid), false, `the site process ${pid} is gone after a ${end}`);
    assert.deepEqual(leftovers(ws), []);
  }
});

test('site load (sqlite): a cancel during the baseline stops before the script starts and ends the site', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 100);
  ws.write('noop.ts', "export default async function ({ log }: { log: (s: string) => void }) { log('the script ran'); }\n");
  const r = rehearse(ws, { script: 'noop.ts', snapshot: 'app.db', siteLoad: { rate: 20, baselineMs: 60_000 } });
  await r.when((e) => e.type === 'log' && /site load: process \d+ sends/.test(e.line));
  const pid = sitePid(r.events);
  r.run.cancel();
  const report = await r.report;
  assert.equal(report.status, 'cancelled');
  assert.match(report.error?.message ?? '', /stopped before the script started/);
  assert.ok(!r.events.some((e) => e.type === 'log' && e.line === 'the script ran'), 'the script never started');
  assert.equal(running(pid), false);
  assert.deepEqual(leftovers(ws), []);
});

test('evolve rehearse --site-load: the summary, --max-site-p99-ms exit codes and the JSON report', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 300);
  ws.write('hold.ts', HOLD_WRITE_LOCK(300));
  const over = await cli(['hold.ts', '--snapshot', 'app.db', '--site-load', '100', '--site-tables', 'users', '--max-site-p99-ms', '0.001', '--json'], ws.dir);
  assert.equal(over.code, 1, over.stderr);
  const report = JSON.parse(over.stdout) as RehearsalReport;
  assert.equal(report.status, 'ok');
  assert.equal(report.site?.maxP99Ms, 0.001);
  assert.match(report.thresholds.exceeded.join('\n'), /site's p99 latency during the run was [\d.]+ ms, over the 0\.001 ms limit \(--max-site-p99-ms\)/);

  const under = await cli(['hold.ts', '--snapshot', 'app.db', '--site-load', '100', '--max-site-p99-ms', '600000'], ws.dir);
  assert.equal(under.code, 0, under.stderr + under.stdout);
  assert.match(under.stdout, /site load\s+100 requests\/s on users \(busy_timeout 5000 ms; own process \d+ and connections\)/);
  assert.match(under.stdout, /baseline [\d.]+ (ms|s)\s+\d+ /);
  assert.match(under.stdout, /run [\d.]+ (ms|s)\s+\d+ .* (none|busy \d+)/);
  assert.match(under.stdout, /p99 during the run: [\d.]+× the baseline's/);
});

test('evolve rehearse --site-load: usage errors exit 2 with the reason', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 10);
  ws.write('noop.ts', 'export default async function () {}\n');
  ws.write('bad-workload.json', JSON.stringify({ statements: [{ sql: 'SELECT 1', weight: -2 }] }));
  ws.write('not-json.json', '{ statements: ');
  mkdirSync(join(ws.dir, 'pgdata'));
  const cases: [string[], RegExp][] = [
    [['--site-load', 'lots'], /--site-load must be a positive number, got "lots"/],
    [['--max-site-p99-ms', '10'], /--max-site-p99-ms applies to --site-load only/],
    [['--site-load', '10', '--resume-check', '2'], /--site-load and --resume-check do not go together/],
    [['--site-load', '10', '--site-workload', 'bad-workload.json'], /bad-workload\.json: statements\[0\]\.weight must be a positive number/],
    [['--site-load', '10', '--site-workload', 'not-json.json'], /not-json\.json is not valid JSON/],
    [['--site-load', '10', '--site-workload', 'missing.json'], /missing\.json cannot be read/],
  ];
  for (const [args, message] of cases) {
    const { code, stderr } = await cli(['noop.ts', '--snapshot', 'app.db', ...args], ws.dir);
    assert.equal(code, 2, `${args.join(' ')}: ${stderr}`);
    assert.match(stderr, message);
  }
  const help = await cli(['--help'], ws.dir);
  assert.equal(help.code, 0);
  for (const option of ['--site-load RATE', '--site-tables a,b', '--site-workload FILE', '--max-site-p99-ms N']) assert.ok(help.stdout.includes(option), `--help lists ${option}`);
  const pglite = await cli(['noop.ts', '--snapshot', 'pgdata', '--engine', 'pglite', '--site-load', '10'], ws.dir);
  assert.equal(pglite.code, 2);
  assert.match(pglite.stderr, /--site-load needs a SQLite or PostgreSQL snapshot: PGlite serves a single connection/);
  assert.deepEqual(leftovers(ws), []);
});

test('site load (sqlite): a configured table that does not exist fails the run with the tables there are', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 10);
  ws.write('noop.ts', 'export default async function () {}\n');
  const report = await rehearse(ws, { script: 'noop.ts', snapshot: 'app.db', siteLoad: { rate: 10, tables: ['accounts'] } }).report;
  assert.equal(report.status, 'failed');
  assert.match(report.error?.message ?? '', /site load: the table "accounts" is not in the snapshot \(its tables: users\)/);
  assert.equal(report.site, undefined);
});
