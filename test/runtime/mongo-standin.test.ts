// mongodbAdapter and mongooseAdapter against an in-memory STAND-IN of the driver calls they use
// (mongo-standin.ts). No MongoDB server exists on this machine: these tests show the adapters make
// the right calls with the right session, not that they ran on MongoDB.
import assert from 'node:assert/strict';
import test from 'node:test';
import { ObjectId } from 'mongodb';
import { eachBatch, isConflictError, mongodbAdapter, mongooseAdapter, type Adapter } from '../../runtime/src/index.js';
import { checkAdapterContract } from './adapter-contract.js';
import { type Item } from './helpers.js';
import { StandInMongoClient, standInMongooseConnection, type StandInSession } from './mongo-standin.js';

function seeded(count: number) {
  const client = new StandInMongoClient();
  const items = client.db().collection('items');
  void items.insertMany(Array.from({ length: count }, (_, i) => ({ _id: i + 1, value: i + 1, touched: 0 })));
  return { client, items };
}

function contractCase(client: StandInMongoClient, adapter: Adapter<StandInSession>) {
  const items = client.db().collection('items');
  const asItem = (d: Record<string, unknown>) => ({ id: d._id, value: d.value, touched: d.touched }) as Item;
  return {
    adapter,
    fetch: async (after: number | undefined, size: number, session: StandInSession) =>
      (await items.find({ _id: { $gt: after ?? 0 } }, { session }).sort({ _id: 1 }).limit(size).toArray()).map(asItem),
    update: async (rows: Item[], session: StandInSession) => {
      for (const row of rows) await items.updateOne({ _id: row.id }, { $set: { value: row.value * 2 + 1 }, $inc: { touched: 1 } }, { session });
    },
    readAll: async () => (await items.find({}).sort({ _id: 1 }).toArray()).map(asItem),
  };
}

test('stand-in: mongodbAdapter stops, rolls back and resumes like every adapter, ending every session', async () => {
  const { client } = seeded(250);
  await checkAdapterContract(contractCase(client, mongodbAdapter(client)));
  assert.ok(client.sessionsStarted > 0);
  assert.equal(client.sessionsEnded.length, client.sessionsStarted);
  const checkpoint = await client.db().collection('evolve_checkpoints').findOne({ _id: 'contract' });
  assert.deepEqual({ ...checkpoint, updatedAt: undefined }, { _id: 'contract', lastKey: 250, batches: 5, rows: 250, updatedAt: undefined });
});

test('stand-in: mongooseAdapter (mongoose-style { connection }) stops, rolls back and resumes', async () => {
  const { client } = seeded(250);
  const connection = standInMongooseConnection(client);
  await checkAdapterContract(contractCase(client, mongooseAdapter({ connection })));
  assert.equal(client.sessionsEnded.length, client.sessionsStarted);
});

test('stand-in: ObjectId keys resume as ObjectIds, not as their hex text', async () => {
  const client = new StandInMongoClient();
  const customers = client.db().collection('customers');
  const ids = Array.from({ length: 30 }, () => new ObjectId()).sort((a, b) => a.toHexString().localeCompare(b.toHexString()));
  await customers.insertMany(ids.map((_id) => ({ _id, tagged: false })));
  const options = {
    adapter: mongodbAdapter(client, client.db()),
    name: 'tag',
    size: 10,
    fetch: (after: ObjectId | undefined, size: number, session: StandInSession) => customers.find(after ? { _id: { $gt: after } } : {}, { session }).sort({ _id: 1 }).limit(size).toArray(),
    key: (doc: { _id: unknown }) => doc._id as ObjectId,
    progressLine: false,
  };
  const tag = async (docs: { _id: unknown }[], session: StandInSession) => {
    for (const doc of docs) await customers.updateOne({ _id: doc._id }, { $set: { tagged: true } }, { session });
  };
  const controller = new AbortController();
  await eachBatch({ ...options, signal: controller.signal }, async (docs, session, info) => {
    await tag(docs, session);
    if (info.batch === 1) controller.abort();
  });
  const resumed = await eachBatch(options, tag);
  assert.ok(resumed.resumedFrom instanceof ObjectId);
  assert.ok(resumed.resumedFrom.equals(ids[9]!));
  assert.equal(resumed.rows, 20);
  assert.ok((await customers.find({}).toArray()).every((d) => d.tagged === true));
});

test('stand-in: a WriteConflict inside a batch is retried by withTransaction and the batch commits once', async () => {
  const { client, items } = seeded(100);
  const conflictSeen: unknown[] = [];
  let bodyRuns = 0;
  const summary = await eachBatch(
    { ...contractCase(client, mongodbAdapter(client)), name: 'conflict', size: 50, key: (r: Item) => r.id, progressLine: false },
    async (rows, session, info) => {
      bodyRuns++;
      // First run of batch 2: another client's write to one of its documents commits first.
      if (info.batch === 2 && bodyRuns === 2) await items.updateOne({ _id: 60 }, { $set: { value: 1000 } });
      for (const row of rows) {
        try {
          await items.updateOne({ _id: row.id }, { $set: { value: row.value * 2 + 1 }, $inc: { touched: 1 } }, { session });
        } catch (error) {
          conflictSeen.push(error);
          throw error;
        }
      }
    },
  );
  assert.equal(conflictSeen.length, 1);
  assert.equal(isConflictError(conflictSeen[0]), true);
  assert.equal(bodyRuns, 3, 'batch 2 ran again inside withTransaction');
  assert.equal(summary.rows, 100);
  assert.deepEqual(await items.findOne({ _id: 60 }), { _id: 60, value: 2001, touched: 1 });
});
