// prismaAdapter with a real Prisma 7 client on a real SQLite file. The client is generated offline
// here: `prisma generate` only wants a schema-engine binary to exist (it never runs it for the
// `prisma-client` generator), so PRISMA_SCHEMA_ENGINE_BINARY points at any file; queries go through
// @prisma/adapter-better-sqlite3, which needs no engine at all. Tables are created with plain SQL.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { BatchFailedError, eachBatch, prismaAdapter } from '../../runtime/src/index.js';
import { checkAdapterContract } from './adapter-contract.js';
import { readSqliteItems, seedSqlite, tempDir } from './helpers.js';

const schemaDir = join(__dirname, 'fixtures', 'prisma');

/** The generated client's shape as this test uses it (the real types exist only after generation). */
interface ItemRow { id: number; value: bigint; touched: number }
interface PrismaTx {
  item: { findMany(args: object): Promise<ItemRow[]>; findFirst(): Promise<ItemRow | null> };
  $executeRawUnsafe(sql: string, ...values: unknown[]): Promise<number>;
  $queryRawUnsafe<T>(sql: string, ...values: unknown[]): Promise<T>;
}
interface PrismaClientLike extends PrismaTx {
  $transaction<R>(fn: (tx: PrismaTx) => Promise<R>, options?: object): Promise<R>;
  $disconnect(): Promise<void>;
}

function generateClient(): new (options: object) => PrismaClientLike {
  const cli = require.resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', join(schemaDir, 'schema.prisma')], {
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  assert.equal(result.status, 0, `prisma generate failed offline:\n${result.stdout}${result.stderr}`);
  // A computed path: the generated client does not exist when the project is type-checked.
  const clientPath = join(schemaDir, 'generated', 'client.ts');
  return (require(clientPath) as { PrismaClient: new (options: object) => PrismaClientLike }).PrismaClient;
}

function open(t: test.TestContext, PrismaClient: new (options: object) => PrismaClientLike) {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, 250).close();
  const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${file}` }) });
  t.after(() => prisma.$disconnect());
  return { prisma, readAll: async () => readSqliteItems(file) };
}

const fetchItems = async (after: number | undefined, size: number, tx: PrismaTx) =>
  (await tx.item.findMany({ where: { id: { gt: after ?? 0 } }, orderBy: { id: 'asc' }, take: size })).map((r) => ({ ...r, value: Number(r.value) }));

test('prismaAdapter: generated client on SQLite via @prisma/adapter-better-sqlite3', async (t) => {
  const PrismaClient = generateClient();

  await t.test('stop, rollback and resume like every adapter', async (t) => {
    const { prisma, readAll } = open(t, PrismaClient);
    await checkAdapterContract({
      adapter: prismaAdapter(prisma),
      fetch: fetchItems,
      update: (rows, tx) => tx.$executeRawUnsafe(`UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id IN (${rows.map(() => '?').join(', ')})`, ...rows.map((r) => r.id)),
      readAll,
    });
  });

  await t.test('a batch that outlives the transaction timeout is reported, not retried', async (t) => {
    const { prisma } = open(t, PrismaClient);
    let attempts = 0;
    const run = eachBatch({ adapter: prismaAdapter(prisma, { timeout: 100 }), name: 'slow', size: 50, fetch: fetchItems, key: (r) => r.id, progressLine: false }, async (_rows, tx) => {
      attempts++;
      // Keep querying until Prisma expires the transaction and refuses the next query. better-sqlite3
      // answers synchronously, so yield to the timers between queries or the expiry never fires.
      for (;;) {
        await tx.item.findFirst();
        await new Promise(setImmediate);
      }
    });
    await assert.rejects(run, (error: unknown) => {
      assert.ok(error instanceof BatchFailedError);
      assert.match(error.message, /"slow" batch 1 \(keys 1 to 50\) failed: .*expired transaction.*\(P2028\)\. The batch was rolled back; rerun to start again\. The batch ran past the Prisma transaction timeout of 100 ms/s);
      return true;
    });
    assert.equal(attempts, 1);
  });
});
