// pgAdapter (Pool and Client) on the local PostgreSQL server, and pgliteAdapter on PGlite.
import assert from 'node:assert/strict';
import test from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { eachBatch, pgAdapter, pgliteAdapter, type PgQueryable } from '../../runtime/src/index.js';
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

test('pgAdapter sends the checkpoint with the COMMIT; when it fails, the batch rolls back', (t) =>
  onServer(t, async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await seedPg(client, 200);
      const statements: string[] = [];
      const counting: PgQueryable = { query: (text, values) => (statements.push(text), client.query(text, values)), escapeLiteral: (v) => client.escapeLiteral(v) };
      const options = { adapter: pgAdapter(counting), name: "o'brien", size: 50, fetch: fetchItems, key: (r: Item) => r.id, progressLine: false };
      // A trigger refuses the checkpoint of batch 2, as a full disk or a lost connection would.
      await client.query(`CREATE TABLE evolve_checkpoints (name VARCHAR(255) NOT NULL PRIMARY KEY, last_key TEXT, batches BIGINT NOT NULL, row_count BIGINT NOT NULL, updated_at VARCHAR(32) NOT NULL)`);
      await client.query(`CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN IF NEW.last_key = '100' THEN RAISE EXCEPTION 'checkpoint refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
      await client.query('CREATE TRIGGER refuse BEFORE UPDATE ON evolve_checkpoints FOR EACH ROW EXECUTE FUNCTION refuse()');
      await assert.rejects(eachBatch(options, updateItems), /"o'brien" batch 2 \(keys 51 to 100\) failed: checkpoint refused/);
      const touched = await client.query('SELECT count(*)::int AS n FROM items WHERE touched = 1');
      assert.equal(touched.rows[0].n, 50, 'batch 2 rolled back with its checkpoint');
      await client.query('DROP TRIGGER refuse ON evolve_checkpoints');
      statements.length = 0;
      const resumed = await eachBatch(options, updateItems);
      assert.equal(resumed.resumedFrom, 50);
      // Opening the checkpoint: BEGIN, CREATE TABLE IF NOT EXISTS, SELECT, COMMIT. Each of the three
      // batches: BEGIN, SELECT, UPDATE items, then the checkpoint UPDATE and COMMIT as one round trip,
      // like a hand-written loop's four. Then the empty page that ends the run: BEGIN, SELECT, COMMIT.
      assert.equal(statements.filter((s) => /^UPDATE evolve_checkpoints .*; COMMIT$/s.test(s)).length, 3);
      assert.equal(statements.length, 4 + 3 * 4 + 3);
      const saved = await client.query(`SELECT last_key FROM evolve_checkpoints WHERE name = 'o''brien'`);
      assert.equal(saved.rows[0].last_key, '200');
    } finally {
      await client.end();
    }
  }));
