// The behaviour every adapter must show on a real database, run by each adapter's test:
// a stop commits the batch in flight, a failing batch rolls back its rows and its checkpoint
// together, and a rerun resumes after the last committed batch to the same final data.
import assert from 'node:assert/strict';
import { BatchFailedError, eachBatch, type Adapter } from '../../runtime/src/index.js';
import { expectedItems, type Item } from './helpers.js';

export interface AdapterCase<Tx> {
  adapter: Adapter<Tx>;
  /** Rows with id > after, ordered by id, at most size, read through tx. */
  fetch(after: number | undefined, size: number, tx: Tx): PromiseLike<Item[]>;
  /** value = value * 2 + 1, touched = touched + 1 for these rows, through tx. */
  update(rows: Item[], tx: Tx): Promise<unknown>;
  /** All rows, read outside any batch. */
  readAll(): Promise<Item[]>;
}

const touchedCount = async (c: AdapterCase<unknown>) => (await c.readAll()).filter((r) => Number(r.touched) === 1).length;
const normalize = (rows: Item[]) => rows.map((r) => ({ id: Number(r.id), value: Number(r.value), touched: Number(r.touched) }));

/** Expects the `items` table seeded with rows 1..250. */
export async function checkAdapterContract<Tx>(c: AdapterCase<Tx>): Promise<void> {
  const generic = c as AdapterCase<unknown>;
  const options = { adapter: c.adapter, name: 'contract', size: 50, fetch: c.fetch, key: (r: Item) => Number(r.id), progressLine: false, retryDelay: { baseMs: 1 } };

  const controller = new AbortController();
  const stopped = await eachBatch({ ...options, signal: controller.signal }, async (rows, tx, info) => {
    await c.update(rows, tx);
    if (info.batch === 2) controller.abort();
  });
  assert.equal(stopped.cancelled, true);
  assert.equal(stopped.batches, 2);
  assert.equal(await touchedCount(generic), 100, 'the batch in flight when the stop came committed');

  const failing = eachBatch(options, async (rows, tx, info) => {
    await c.update(rows, tx);
    if (info.batch === 2) throw new Error('boom');
  });
  await assert.rejects(failing, (error: unknown) => error instanceof BatchFailedError && error.batch === 2 && error.firstKey === 151 && error.lastKey === 200);
  assert.equal(await touchedCount(generic), 150, 'the failed batch was rolled back');

  const finished = await eachBatch(options, (rows, tx) => c.update(rows, tx));
  assert.equal(finished.resumedFrom, 150, 'the failed batch\'s checkpoint was rolled back with it');
  assert.equal(finished.rows, 100);
  assert.equal(finished.cancelled, false);
  assert.deepEqual(normalize(await c.readAll()), expectedItems(250));
}
