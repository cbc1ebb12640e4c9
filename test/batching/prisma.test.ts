// The Prisma batching rewrite against a real Prisma 7 client, generated offline (as in
// test/runtime/prisma.test.ts) from fixtures/prisma-sqlite/schema.prisma: the rewritten file
// type-checks against the generated client's types, and running the original and the rewritten
// script on copies of one SQLite database (through @prisma/adapter-better-sqlite3) leaves the same data.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import Database from 'better-sqlite3';

const dir = join(__dirname, 'fixtures', 'prisma-sqlite');

function generateClient(): new (options: object) => { $disconnect(): Promise<void> } {
  const cli = require.resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate', '--schema', join(dir, 'schema.prisma')], {
    encoding: 'utf8',
    env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
  });
  assert.equal(result.status, 0, `prisma generate failed offline:\n${result.stdout}${result.stderr}`);
  // A computed path: the generated client does not exist when the project is type-checked.
  return require(join(dir, 'generated', 'client.ts')).PrismaClient;
}

const dump = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, name, email, slug, verified FROM users ORDER BY id').all();
  } finally {
    db.close();
  }
};

test('Prisma rewrite: type-checks against the generated client, same final data on SQLite', async () => {
  const PrismaClient = generateClient();
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);

  const tmp = mkdtempSync(join(tmpdir(), 'evolve-rewrite-prisma-'));
  const seed = new Database(join(tmp, 'a.db'));
  seed.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, slug TEXT, verified INTEGER)');
  const insert = seed.prepare('INSERT INTO users (name, email, verified) VALUES (?, ?, ?)');
  seed.transaction(() => {
    for (let i = 1; i <= 1234; i++) insert.run(`User ${i}`, `U${i}@Acme.Test`, i % 3 === 0 ? 0 : 1);
  })();
  seed.close();
  copyFileSync(join(tmp, 'a.db'), join(tmp, 'b.db'));
  const seeded = dump(join(tmp, 'a.db'));

  for (const [name, file] of [['input', 'a.db'], ['expected', 'b.db']]) {
    const prisma = new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: `file:${join(tmp, file)}` }) });
    try {
      await (await import(join(dir, `${name}.ts`))).run(prisma);
    } finally {
      await prisma.$disconnect();
    }
  }
  const original = dump(join(tmp, 'a.db'));
  assert.notDeepEqual(original, seeded, 'the original loop did its work');
  assert.deepEqual(dump(join(tmp, 'b.db')), original);
});
