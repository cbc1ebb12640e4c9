// The kept reports: the last N per workspace, newest first, the previous run of the same script.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReportStore, type KeyValueStore, type StoredRun } from '../../client/src/panel/report-store';
import { foldEvents, MAX_LOG_LINES } from '../../client/src/panel/state';
import { loadFixture } from './fixtures';
import { runInfoOf } from './page';

function memento(): KeyValueStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  // Through JSON, as VS Code's storage does: nothing survives that JSON cannot carry.
  return { data, get: <T>(key: string) => (data.has(key) ? (JSON.parse(JSON.stringify(data.get(key))) as T) : undefined), update: async (key, value) => void data.set(key, value) };
}

function stored(name: 'batched' | 'failed' | 'unbatched', runId: string, startedAt: number, uri?: string): StoredRun {
  const recorded = loadFixture(name);
  const run = { ...runInfoOf(recorded), runId, startedAt, ...(uri ? { uri } : {}) };
  return { run, report: recorded.finished.report, view: foldEvents(recorded.events), finishedAt: startedAt + 1000 };
}

test('keeps the newest N, newest first, one entry per run', async () => {
  const store = new ReportStore(memento(), 3);
  for (let i = 1; i <= 5; i++) await store.add(stored('batched', `run-${i}`, i * 10_000));
  await store.add(stored('failed', 'run-5', 50_000));
  assert.deepEqual(store.list().map((e) => [e.run.runId, e.report.status]), [['run-5', 'failed'], ['run-4', 'ok'], ['run-3', 'ok']]);
  assert.equal(store.find('run-4')?.run.startedAt, 40_000);
  assert.equal(store.find('run-1'), undefined, 'the oldest are dropped');
});

test('the previous run is the newest earlier run of the same script', async () => {
  const store = new ReportStore(memento());
  const script = 'file:///ws/scripts/backfill.ts';
  await store.add(stored('batched', 'a', 1000, script));
  await store.add(stored('unbatched', 'other-script', 2000, 'file:///ws/scripts/other.ts'));
  await store.add(stored('failed', 'b', 3000, script));
  const current = stored('batched', 'c', 4000, script).run;
  assert.equal(store.previousOf(current)?.run.runId, 'b');
  assert.equal(store.previousOf({ ...current, startedAt: 2500 })?.run.runId, 'a');
  assert.equal(store.previousOf({ ...current, uri: 'file:///never-run.ts' }), undefined);
});

test('a kept view is trimmed, and entries that are not runs are ignored', async () => {
  const m = memento();
  const store = new ReportStore(m);
  const entry = stored('batched', 'long-log', 1000);
  entry.view = { ...entry.view!, log: Array.from({ length: MAX_LOG_LINES }, (_, i) => ({ stream: 'script' as const, line: `line ${i}` })) };
  await store.add(entry);
  const kept = store.find('long-log')!;
  assert.equal(kept.view?.log.length, 50);
  assert.equal(kept.view?.log.at(-1)?.line, `line ${MAX_LOG_LINES - 1}`);
  assert.equal(kept.view?.logDropped, MAX_LOG_LINES - 50);
  m.data.set('evolve.rehearsal.reports', [{ nonsense: true }, ...(m.data.get('evolve.rehearsal.reports') as unknown[]), 42]);
  assert.deepEqual(store.list().map((e) => e.run.runId), ['long-log']);
});
