// pgAdapter (Pool and Client) on the local PostgreSQL server, and pgliteAdapter on PGlite.
import test from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { pgAdapter, pgliteAdapter, type PgQueryable } from '../../runtime/src/index.js';
import { checkAdapterContract } from './adapter-contract.js';
import { createPgDatabase, seedPg, type Item } from './helpers.js';

const fetchItems = async (after: number | undefined, size: number, tx: PgQueryable) =>
  (await tx.query('SELECT * FROM items WHERE id > $1 ORDER BY id LIMIT $2', [after ?? 0, size])).rows as Item[];
const updateItems = (rows: Item[], tx: PgQueryable) =>
  tx.query('UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id = ANY($1)', [rows.map((r) => r.id)]);

async function onServer(t: test.TestContext, run: (url: string) => Promise<void>) {
  const database = await createPgDatabase('evolve_rt_pg');
  if ('skip' in database) return t.skip(database.skip);
  try {
    await run(database.url);
  } finally {
    await database.drop();
  }
}

test('pgAdapter with a Pool', (t) =>
  onServer(t, async (url) => {
    const pool = new pg.Pool({ connectionString: url, max: 3 });
    try {
      await seedPg(pool, 250);
      const readAll = async () => (await pool.query('SELECT * FROM items ORDER BY id')).rows as Item[];
      await checkAdapterContract({ adapter: pgAdapter(pool), fetch: fetchItems, update: updateItems, readAll });
    } finally {
      await pool.end();
    }
  }));

test('pgAdapter with a Client, serializable batches', (t) =>
  onServer(t, async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedPg(client, 250);
      const readAll = async () => (await client.query('SELECT * FROM items ORDER BY id')).rows as Item[];
      await checkAdapterContract({ adapter: pgAdapter(client, { isolationLevel: 'serializable' }), fetch: fetchItems, update: updateItems, readAll });
    } finally {
      await client.end();
    }
  }));

test('pgliteAdapter on PGlite', async () => {
  const db = new PGlite();
  try {
    await seedPg(db, 250);
    const readAll = async () => (await db.query<Item>('SELECT * FROM items ORDER BY id')).rows;
    await checkAdapterContract({ adapter: pgliteAdapter(db), fetch: fetchItems, update: updateItems, readAll });
  } finally {
    await db.close();
  }
});
