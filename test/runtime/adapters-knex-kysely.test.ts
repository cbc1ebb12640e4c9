// knexAdapter and kyselyAdapter over real databases: a better-sqlite3 file and the local PostgreSQL.
import { join } from 'node:path';
import test from 'node:test';
import Database from 'better-sqlite3';
import knexFactory, { type Knex } from 'knex';
import { Kysely, PostgresDialect, SqliteDialect, CamelCasePlugin, sql } from 'kysely';
import pg from 'pg';
import { knexAdapter, kyselyAdapter } from '../../runtime/src/index.js';
import { checkAdapterContract } from './adapter-contract.js';
import { createPgDatabase, seedPgUrl, seedSqlite, tempDir, type Item } from './helpers.js';

interface Schema {
  items: Item;
}

async function checkKnex(knex: Knex) {
  await checkAdapterContract({
    adapter: knexAdapter(knex),
    fetch: (after, size, trx) => trx<Item>('items').where('id', '>', after ?? 0).orderBy('id').limit(size),
    update: (rows, trx) => trx('items').whereIn('id', rows.map((r) => r.id)).update({ value: trx.raw('value * 2 + 1'), touched: trx.raw('touched + 1') }),
    readAll: () => knex<Item>('items').orderBy('id'),
  });
}

async function checkKysely(db: Kysely<Schema>) {
  await checkAdapterContract({
    adapter: kyselyAdapter(db),
    fetch: (after, size, trx) => trx.selectFrom('items').selectAll().where('id', '>', after ?? 0).orderBy('id').limit(size).execute(),
    update: (rows, trx) =>
      trx.updateTable('items').set({ value: sql`value * 2 + 1`, touched: sql`touched + 1` }).where('id', 'in', rows.map((r) => r.id)).execute(),
    readAll: () => db.selectFrom('items').selectAll().orderBy('id').execute(),
  });
}

test('knexAdapter on better-sqlite3', async (t) => {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, 250).close();
  const knex = knexFactory({ client: 'better-sqlite3', connection: { filename: file }, useNullAsDefault: true });
  t.after(() => knex.destroy());
  await checkKnex(knex);
});

test('kyselyAdapter on better-sqlite3, with the CamelCasePlugin installed', async (t) => {
  const file = join(tempDir(t), 'app.db');
  seedSqlite(file, 250).close();
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(file) }), plugins: [new CamelCasePlugin()] });
  t.after(() => db.destroy());
  await checkKysely(db);
});

test('knexAdapter and kyselyAdapter on PostgreSQL', async (t) => {
  const knexDb = await createPgDatabase('evolve_rt_knex');
  if ('skip' in knexDb) return t.skip(knexDb.skip);
  const kyselyDb = await createPgDatabase('evolve_rt_kysely');
  if ('skip' in kyselyDb) return t.skip(kyselyDb.skip);
  const knex = knexFactory({ client: 'pg', connection: knexDb.url });
  const kysely = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: kyselyDb.url }) }) });
  try {
    await seedPgUrl(knexDb.url, 250);
    await checkKnex(knex);
    await seedPgUrl(kyselyDb.url, 250);
    await checkKysely(kysely);
  } finally {
    await knex.destroy();
    await kysely.destroy();
    await knexDb.drop();
    await kyselyDb.drop();
  }
});
