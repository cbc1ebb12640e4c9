// The relay between a rehearsal child and the client: progress is thinned (the latest kept), every
// other event goes out at once and in order, and a run's last batch is never merged into its end.
import assert from 'node:assert/strict';
import test from 'node:test';
import { describeProgress, EventRelay } from '../../server/src/lsp/rehearsal-relay';
import type { ChildEvent, ProgressSnapshot } from '../../server/src/rehearsal/protocol';

const snapshot = (rowsWritten: number, batch: ProgressSnapshot['batch'] = null): ProgressSnapshot => ({
  rowsRead: rowsWritten,
  rowsWritten,
  statements: rowsWritten,
  transactions: 0,
  longestTransactionMs: 0,
  openTransactionMs: null,
  batch,
  touchedRows: null,
  touchedTables: [],
});
const progress = (rows: number, runtime?: Extract<ChildEvent, { type: 'progress' }>['runtime']): ChildEvent => ({ type: 'progress', elapsedMs: rows, progress: snapshot(rows), runtime });
const end = { type: 'end', name: 'b', batches: 3, rows: 300, retries: 0, durationMs: 9, cancelled: false } as const;

test('a burst of progress goes out as its first and its latest event; nothing else waits or is dropped', () => {
  const sent: ChildEvent[] = [];
  const relay = new EventRelay((event) => sent.push(event));
  for (let rows = 1; rows <= 500; rows++) {
    relay.push(progress(rows));
    if (rows % 100 === 0) relay.push({ type: 'transaction-closed', ms: 1, outcome: 'commit', index: rows / 100 });
  }
  relay.push({ type: 'log', stream: 'script', line: 'done' });
  assert.deepEqual(sent.map((e) => (e.type === 'progress' ? e.progress.rowsWritten : e.type)), [1, 'transaction-closed', 'transaction-closed', 'transaction-closed', 'transaction-closed', 'transaction-closed', 'log']);
  relay.push({ type: 'finished', report: {} as never });
  assert.deepEqual(sent.slice(-2).map((e) => (e.type === 'progress' ? e.progress.rowsWritten : e.type)), [500, 'finished'], 'the held progress goes out before the report');
  relay.dispose();
  assert.equal(sent.length, 9, 'nothing is sent twice');
});

test("an eachBatch end is never merged: the last batch's progress (100%) goes out before it", () => {
  const sent: ChildEvent[] = [];
  const relay = new EventRelay((event) => sent.push(event));
  relay.push(progress(100));
  relay.push(progress(300)); // held: the last batch
  relay.push(progress(300, end));
  assert.deepEqual(sent.map((e) => e.type === 'progress' && [e.progress.rowsWritten, e.runtime?.type ?? null]), [[100, null], [300, null], [300, 'end']]);
  relay.dispose();
});

test('work-done progress: a percentage and an ETA only with a total, else the rows', () => {
  const withTotal = { ...snapshot(0), batch: { name: 'b', batch: 2, rows: 2000, total: 8000, etaMs: 12_000 } };
  assert.deepEqual(describeProgress(withTotal), { percentage: 25, message: '2,000 of 8,000 rows, ETA 12.0 s' });
  assert.deepEqual(describeProgress({ ...withTotal, batch: { ...withTotal.batch, etaMs: null } }), { percentage: 25, message: '2,000 of 8,000 rows' });
  assert.deepEqual(describeProgress({ ...withTotal, batch: { ...withTotal.batch, total: null } }), { message: '2,000 rows' });
  assert.deepEqual(describeProgress(snapshot(1234)), { message: '1,234 rows written' });
});
