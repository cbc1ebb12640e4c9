// The batching rewrite on PostgreSQL clients: running the original loop and the rewritten file on
// copies of the same data leaves the same final data. pg, Kysely, Sequelize and TypeORM run on the real PostgreSQL
// server (a throw-away database per run), PGlite in process.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { Sequelize } from 'sequelize';
import { DataSource } from 'typeorm';
import ts from 'typescript';
import { createPgDatabase } from '../runtime/helpers';

const fixtures = join(__dirname, 'fixtures');

const SEED = `
  CREATE TABLE users (id serial PRIMARY KEY, name text, email text, slug text, verified int);
  INSERT INTO users (name, email, slug, verified)
    SELECT 'User ' || i, 'U' || i || '@Acme.Test', CASE WHEN i % 7 = 0 THEN 'kept-' || i END, CASE WHEN i % 3 = 0 THEN 1 ELSE 0 END
    FROM generate_series(1, 1050) i; -- three batches of 500
`;
const DUMP = 'SELECT id, name, email, slug, verified FROM users ORDER BY id';

interface Opened<Db> {
  db: Db;
  dump(): Promise<unknown[]>;
  close(): Promise<void>;
}

/**
 * Loads a fixture compiled the way TypeORM projects compile (legacy decorators and their metadata):
 * tsx gives files outside the root tsconfig standard decorators, which TypeORM's do not support.
 */
function requireWithLegacyDecorators(file: string): any {
  const js = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, emitDecoratorMetadata: true, esModuleInterop: true },
  }).outputText;
  const mod = new Module(file, module) as Module & { _compile(code: string, filename: string): void };
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  mod._compile(js, file);
  return mod.exports;
}

/** Runs `fixtures/<lib>/input.ts` on the first database and `expected.ts` on the second; returns both final dumps. */
async function bothRuns<Db>(lib: string, dbs: [Opened<Db>, Opened<Db>], run: (mod: any, db: Db) => Promise<void>, load = (file: string) => import(file)) {
  const dumps: unknown[][] = [];
  for (const [i, name] of ['input', 'expected'].entries()) {
    const mod = await load(join(fixtures, lib, `${name}.ts`));
    try {
      await run(mod, dbs[i].db);
      dumps.push(await dbs[i].dump());
    } finally {
      await dbs[i].close();
    }
  }
  return { original: dumps[0], rewritten: dumps[1] };
}

describe('batching rewrite: same final data as the original loop (PostgreSQL, PGlite)', () => {
  const drops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const drop of drops) await drop();
  });
  /** Two seeded throw-away databases on the local server, or the skip reason (never in CI). */
  type Seeded = { pool: pg.Pool; url: string };
  const seededPools = async (): Promise<[Opened<Seeded>, Opened<Seeded>] | { skip: string }> => {
    const opened: Opened<Seeded>[] = [];
    for (let i = 0; i < 2; i++) {
      const created = await createPgDatabase('evolve_rewrite');
      if ('skip' in created) return created;
      drops.push(created.drop);
      const pool = new pg.Pool({ connectionString: created.url });
      await pool.query(SEED);
      opened.push({ db: { pool, url: created.url }, dump: async () => (await pool.query(DUMP)).rows, close: () => pool.end() });
    }
    return opened as [Opened<Seeded>, Opened<Seeded>];
  };

  test('pg (node-postgres Pool, real PostgreSQL)', async (t) => {
    const pools = await seededPools();
    if ('skip' in pools) return t.skip(pools.skip);
    const { original, rewritten } = await bothRuns('pg', pools, (mod, db) => mod.default(db.pool));
    assert.ok(original.some((r: any) => r.email === 'u3@acme.test'), 'the original loop did its work');
    assert.deepEqual(rewritten, original);
  });

  test('Kysely (PostgresDialect, real PostgreSQL)', async (t) => {
    const pools = await seededPools();
    if ('skip' in pools) return t.skip(pools.skip);
    // Kysely's destroy() ends the pool it was given: the dump runs before close.
    const { original, rewritten } = await bothRuns('kysely', pools, (mod, db) => mod.up(new Kysely<any>({ dialect: new PostgresDialect({ pool: db.pool }) })));
    assert.ok(original.some((r: any) => r.slug === 'user 1'), 'the original loop did its work');
    assert.deepEqual(rewritten, original);
  });

  test('Sequelize (postgres dialect, real PostgreSQL)', async (t) => {
    const pools = await seededPools();
    if ('skip' in pools) return t.skip(pools.skip);
    const { original, rewritten } = await bothRuns('sequelize', pools, async (mod, db) => {
      const sequelize = new Sequelize(db.url, { logging: false });
      try {
        mod.define(sequelize);
        await mod.up();
      } finally {
        await sequelize.close();
      }
    });
    assert.ok(original.some((r: any) => r.slug === 'user 1'), 'the original loop did its work');
    assert.deepEqual(rewritten, original);
  });

  // A repository's find() and the EntityManager's find(Entity, options).
  for (const [fixture, work] of [['typeorm', 'user 3'], ['typeorm-manager', 'u3@acme.test']]) {
    test(`${fixture} (DataSource, real PostgreSQL)`, async (t) => {
      const pools = await seededPools();
      if ('skip' in pools) return t.skip(pools.skip);
      const { original, rewritten } = await bothRuns(fixture, pools, async (mod, db) => {
        const dataSource = await new DataSource({ type: 'postgres', url: db.url, entities: [mod.User], logging: false }).initialize();
        try {
          await mod.run(dataSource);
        } finally {
          await dataSource.destroy();
        }
      }, requireWithLegacyDecorators);
      assert.ok(original.some((r: any) => r.slug === work || r.email === work), 'the original loop did its work');
      assert.deepEqual(rewritten, original);
    });
  }

  test('PGlite', async () => {
    const open = async (): Promise<Opened<PGlite>> => {
      const db = new PGlite();
      await db.exec(SEED);
      return { db, dump: async () => (await db.query(DUMP)).rows, close: () => db.close() };
    };
    const { original, rewritten } = await bothRuns('pglite', [await open(), await open()], (mod, db) => mod.default(db));
    assert.ok(original.some((r: any) => r.slug === 'user 1'), 'the original loop did its work');
    assert.deepEqual(rewritten, original);
  });
});
