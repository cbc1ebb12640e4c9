// The MongoDB batching rewrite, run against the in-memory STAND-IN of the driver (test/runtime/
// mongo-standin.ts): no MongoDB server exists on this machine, so this shows the rewritten file makes
// the same changes as the original loop through the driver calls the stand-in mirrors (sessions,
// find().sort().limit().toArray(), updateOne with $set), not that it ran on MongoDB.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { StandInMongoClient } from '../runtime/mongo-standin';

const fixtures = join(__dirname, 'fixtures', 'mongodb');

function seeded(): StandInMongoClient {
  const client = new StandInMongoClient();
  const docs = Array.from({ length: 1050 }, (_, k) => ({ _id: k + 1, name: `User ${k + 1}`, email: `U${k + 1}@Acme.Test`, verified: (k + 1) % 3 === 0 ? 0 : 1 }));
  void client.db().collection('users').insertMany(docs);
  return client;
}

const dump = async (client: StandInMongoClient) => client.db().collection('users').find({}).sort({ _id: 1 }).toArray();

test('MongoDB rewrite: same final documents as the original loop (driver stand-in, not MongoDB)', async () => {
  const [original, rewritten] = [seeded(), seeded()];
  await (await import(join(fixtures, 'input.ts'))).up(original.db(), original);
  await (await import(join(fixtures, 'expected.ts'))).up(rewritten.db(), rewritten);
  const before = await dump(seeded());
  const after = await dump(original);
  assert.notDeepEqual(after, before, 'the original loop did its work');
  assert.deepEqual(await dump(rewritten), after);
  assert.ok(rewritten.sessionsStarted >= 3, `700 matching documents: two batches of at most 500, each in its own session (${rewritten.sessionsStarted} sessions)`);
});
