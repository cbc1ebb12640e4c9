// Shared set-up for the evolve-runtime tests: temporary SQLite files, throw-away PostgreSQL
// databases (one per test file, so files running in parallel never share tables), and the
// "items" table every suite backfills.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';

export function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'evolve-runtime-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Rows 1..count with value = id; the backfill doubles value and counts how often a row was touched. */
export const CREATE_ITEMS = 'CREATE TABLE items (id INTEGER PRIMARY KEY, value BIGINT NOT NULL, touched INTEGER NOT NULL DEFAULT 0)';

export function seedSqlite(file: string, count: number): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(CREATE_ITEMS);
  const insert = db.prepare('INSERT INTO items (id, value) VALUES (?, ?)');
  db.transaction(() => {
    for (let id = 1; id <= count; id++) insert.run(id, id);
  })();
  return db;
}

/** Every item row, read over a fresh read-only connection (what another process would see). */
export function readSqliteItems(file: string): Item[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT * FROM items ORDER BY id').all() as Item[];
  } finally {
    db.close();
  }
}

export interface Item {
  id: number;
  value: number;
  touched: number;
}

/** A throw-away database on the local server, or the reason it is unavailable (never in CI). */
export async function createPgDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> } | { skip: string }> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: `${PG_SERVER}/test` });
  try {
    await admin.connect();
  } catch (error) {
    const reason = `PostgreSQL at 127.0.0.1:5432 is not reachable (${(error as Error).message}); start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`;
    if (process.env.CI === 'true') throw new Error(reason);
    return { skip: reason };
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: `${PG_SERVER}/${name}`,
    async drop() {
      const c = new pg.Client({ connectionString: `${PG_SERVER}/test` });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function seedPg(client: { query(sql: string, params?: unknown[]): Promise<unknown> }, count: number): Promise<void> {
  await client.query(CREATE_ITEMS);
  await client.query('INSERT INTO items (id, value) SELECT g, g FROM generate_series(1, $1::int) g', [count]);
}

/** Seeds the items table of the database at `url` over its own short-lived connection. */
export async function seedPgUrl(url: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await seedPg(client, count);
  } finally {
    await client.end();
  }
}

/** What a correct backfill leaves: every row doubled-plus-one exactly once. */
export function expectedItems(count: number): Item[] {
  return Array.from({ length: count }, (_, i) => ({ id: i + 1, value: (i + 1) * 2 + 1, touched: 1 }));
}

/** Collects progress events by type, for assertions. */
export function eventLog() {
  const events: { type: string; [k: string]: unknown }[] = [];
  return { events, onProgress: (e: { type: string }) => void events.push(e as (typeof events)[number]), of: (type: string) => events.filter((e) => e.type === type) };
}
