// The panel's view model, folded from event streams recorded from real rehearsals.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMs, parseStackLocations } from '../../client/src/panel/format';
import { foldEvents, initialView, MAX_LOG_LINES, MAX_THROUGHPUT_POINTS, MAX_TRANSACTIONS, reduceEvent, reduceReport, siteSampleAtMs, type RunView } from '../../client/src/panel/state';
import type { RehearsalEventParams } from '../../server/src/lsp/protocol';
import type { ChildEvent, ProgressSnapshot } from '../../server/src/rehearsal/protocol';
import { loadFixture } from './fixtures';

const at = (atMs: number, event: ChildEvent): RehearsalEventParams => ({ runId: 'r', uri: 'file:///s.ts', atMs, event });
const snapshot = (rowsWritten: number, extra: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  rowsRead: rowsWritten, rowsWritten, statements: rowsWritten, transactions: 0, longestTransactionMs: 0, openTransactionMs: null, batch: null, touchedRows: null, touchedTables: [], ...extra,
});

test('an eachBatch run with a count: rows done of the total, its ETA, one commit per batch, 100% at the end', () => {
  const { events, finished } = loadFixture('batched');
  const progress = events.filter((e) => e.event.type === 'progress');
  const midway = foldEvents(events.slice(0, events.indexOf(progress[Math.floor(progress.length / 2)]) + 1));
  assert.equal(midway.phase, 'running');
  assert.equal(midway.progress.total, 60_000, "evolve-runtime's count is the total");
  assert.ok(midway.progress.rows > 0 && midway.progress.rows < 60_000);
  assert.equal(midway.progress.fraction, midway.progress.rows / 60_000);
  assert.equal(typeof midway.progress.etaMs, 'number');
  assert.ok(midway.counters.batches > 0 && midway.counters.batches === midway.progress.rows / 1000, 'a batch per 1,000 rows');

  const running = foldEvents(events);
  assert.deepEqual([running.progress.rows, running.progress.total], [60_000, 60_000], "the total holds after eachBatch's end event");
  const closed = events.filter((e) => e.event.type === 'transaction-closed').length;
  assert.equal(running.counters.commits, closed, 'a commit per transaction-closed event');
  assert.equal(running.transactions.length, closed);
  assert.ok(running.throughput.length >= progress.length - 2, 'a throughput point per progress interval');
  assert.ok(running.throughput.every((p) => p.writtenPerSecond >= 0 && Number.isFinite(p.writtenPerSecond)));
  assert.equal(running.counters.conflicts, null, 'conflicts are known from the report only');

  const done = reduceReport(running, finished.report);
  assert.equal(done.phase, 'finished');
  assert.equal(done.progress.fraction, 1);
  assert.equal(done.counters.batches, finished.report.batches);
  assert.equal(done.counters.commits, finished.report.transactions.commits);
  assert.equal(done.counters.conflicts, finished.report.conflicts);
  assert.equal(done.counters.writesOutsideTransactions, finished.report.writesOutsideTransaction);
  assert.equal(done.counters.longestTransactionMs, finished.report.transactions.longestMs);
});

test('a run without a total is indeterminate: rows written so far, no fraction, no ETA', () => {
  const { events, finished } = loadFixture('unbatched');
  const view = foldEvents(events);
  assert.equal(view.progress.total, null);
  assert.equal(view.progress.fraction, null);
  assert.equal(view.progress.etaMs, null);
  assert.equal(view.progress.rows, view.progress.rowsWritten);
  assert.ok(view.progress.rowsWritten > 0);
  assert.equal(view.counters.batches, 0);
  assert.equal(view.transactions.length, 1, 'one big transaction');
  assert.ok(Math.abs(view.counters.longestTransactionMs - view.transactions[0].ms) < 0.01, 'the longest is that one (the progress snapshot rounds to 0.01 ms)');
  assert.equal(reduceReport(view, finished.report).progress.fraction, 1, 'done is done, total or not');
});

test('a failed run stops where it failed, with its log lines and a rollback', () => {
  const { events, finished } = loadFixture('failed');
  const view = reduceReport(foldEvents(events), finished.report);
  assert.equal(view.report?.status, 'failed');
  assert.ok(view.progress.fraction !== null && view.progress.fraction < 1, 'the bar stays where the script stopped');
  assert.equal(view.counters.rollbacks, 1);
  assert.deepEqual(view.log.map((l) => l.line).slice(0, 2), ['batch of 500 users from id 1', 'batch of 500 users from id 501']);
  const [first] = parseStackLocations(finished.report.error?.stack);
  assert.ok(first, 'a location in the stack');
  assert.match(first.file, /fixtures[\\/]scripts[\\/]fail-halfway\.ts$/, "the first location is the script's, not evolve-runtime's");
  assert.ok(first.line > 0 && first.column > 0);
});

test('a resume check: one attempt per child, kill points and the table comparison', () => {
  const { events, finished } = loadFixture('resume-check');
  const view = reduceReport(foldEvents(events), finished.report);
  assert.equal(view.attempts, 4, 'the reference, two killed runs and the last rerun');
  assert.deepEqual(view.killPoints, finished.report.resumeCheck?.killPoints.map(({ unit, n }) => ({ unit, n })));
  assert.deepEqual(view.tablesCompared?.map((t) => [t.name, t.equal]), [['orders', true], ['users', false]]);
  assert.ok(view.throughput.every((p) => p.writtenPerSecond >= 0), 'a new child does not make a negative rate');
});

test('a recorded site load: samples from the baseline window before the script, on the run clock', () => {
  const { events } = loadFixture('site-load');
  const view = foldEvents(events);
  const samples = events.flatMap((e) => (e.event.type === 'site-sample' ? [e.event.sample] : []));
  assert.deepEqual(view.site, samples);
  assert.ok(samples.some((s) => s.elapsedMs < 0), 'a baseline before the script');
  const [transaction] = view.transactions;
  const baselineEnd = Math.max(...samples.filter((s) => s.elapsedMs <= 0).map((s) => siteSampleAtMs(view, s)));
  assert.ok(baselineEnd <= transaction.endAtMs - transaction.ms + 1, 'the baseline ends before the transaction starts');
});

test('events never change the view they are folded into', () => {
  const { events } = loadFixture('batched');
  const before = initialView();
  const frozen = JSON.stringify(before);
  reduceEvent(before, events[2]);
  assert.equal(JSON.stringify(before), frozen);
});

test('every list is bounded: a long run keeps the longest transactions and a coarser throughput series', () => {
  let view: RunView = initialView();
  const n = MAX_TRANSACTIONS * 3;
  for (let i = 1; i <= n; i++) {
    view = reduceEvent(view, at(i * 10, { type: 'progress', elapsedMs: i * 10, progress: snapshot(i * 100) }));
    view = reduceEvent(view, at(i * 10, { type: 'transaction-closed', index: i, ms: i % 97, outcome: i % 50 === 0 ? 'rollback' : 'commit' }));
    view = reduceEvent(view, at(i * 10, { type: 'log', stream: 'script', line: `line ${i}` }));
  }
  assert.equal(view.transactions.length, MAX_TRANSACTIONS);
  assert.equal(view.transactionsOmitted, n - MAX_TRANSACTIONS);
  assert.equal(view.counters.transactions, n, 'the counters still count every one');
  assert.equal(view.counters.rollbacks, n / 50);
  assert.equal(Math.min(...view.transactions.map((t) => t.ms)), 64, 'the shortest were dropped first');
  assert.ok(view.throughput.length <= MAX_THROUGHPUT_POINTS);
  for (const point of view.throughput) assert.ok(Math.abs(point.writtenPerSecond - 10_000) < 1e-6, 'merging keeps the rate: 100 rows per 10 ms');
  assert.equal(view.log.length, MAX_LOG_LINES);
  assert.equal(view.log.at(-1)?.line, `line ${n}`);
  assert.equal(view.logDropped, n - MAX_LOG_LINES);
});

test('site samples are kept on the script clock, and merged worst-first when there are too many', () => {
  let view = initialView();
  for (let i = -5; i < 1000; i++) view = reduceEvent(view, at(i * 100 + 50, { type: 'site-sample', sample: { elapsedMs: i * 100, requests: 10, failures: i === 500 ? 3 : 0, p50Ms: 1, p99Ms: i === 500 ? 900 : 4, maxMs: 5 } }));
  assert.ok(view.site.length <= 600);
  assert.equal(view.site[0].elapsedMs < 0, true, 'the baseline comes first');
  assert.equal(Math.max(...view.site.map((s) => s.p99Ms)), 900, 'the spike survives merging');
  assert.equal(view.site.reduce((a, s) => a + s.failures, 0), 3);
});

test('formatMs', () => {
  assert.deepEqual([formatMs(null), formatMs(12.4), formatMs(2210), formatMs(75_000), formatMs(3 * 3600_000 + 120_000)], ['—', '12 ms', '2.21 s', '1 min 15 s', '3 h 2 min']);
});

test('stack locations: file paths and file URIs, node internals skipped', () => {
  const stack = [
    'Error: boom',
    '    at Object.<anonymous> (/home/me/app/scripts/fix.ts:12:7)',
    '    at file:///home/me/app/scripts/run.mjs:3:1',
    '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
    '    at x (/home/me/app/node_modules/knex/lib/runner.js:1:2)',
    '    at C:\\\\work\\\\fix.ts:4:5',
  ].join('\n');
  assert.deepEqual(parseStackLocations(stack).map((l) => [l.file, l.line, l.column]), [
    ['/home/me/app/scripts/fix.ts', 12, 7],
    ['file:///home/me/app/scripts/run.mjs', 3, 1],
    ['C:\\\\work\\\\fix.ts', 4, 5],
  ]);
});
