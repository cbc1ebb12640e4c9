// Shared set-up for the postgres rehearsal tests: the server at 127.0.0.1:5432 (skipped with a
// reason when it is down, except in CI), a uniquely named source database per test, per-table
// checksums of the source, and the scratch databases left on the server.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { ChildEvent } from '../../server/src/rehearsal/protocol';

export const SERVER = 'postgres://postgres@127.0.0.1:5432';

async function query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: `${SERVER}/${database}` });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

let reachable: Promise<string | null> | undefined;
/** Null when the server answers; else why not (a failure in CI, where it must be used). */
export function serverDown(): Promise<string | null> {
  reachable ??= query('postgres', 'SELECT 1').then(
    () => null,
    (error: Error) => {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${SERVER} must be reachable in CI: ${error.message}`);
      return `PostgreSQL at ${SERVER} is not reachable (${error.message}): start it to run these tests`;
    },
  );
  return reachable;
}

const SEED = `
CREATE TYPE mood AS ENUM ('calm', 'busy');
CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, display text, mood mood DEFAULT 'calm', email text UNIQUE);
CREATE TABLE orders (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), total numeric(10,2) NOT NULL CHECK (total >= 0),
                     doubled numeric GENERATED ALWAYS AS (total * 2) STORED);
CREATE INDEX orders_user ON orders (user_id);
CREATE VIEW big_orders AS SELECT * FROM orders WHERE total > 50;
INSERT INTO users (name, email) SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, 200) g;
INSERT INTO orders (user_id, total) SELECT 1 + g % 200, g FROM generate_series(1, 100) g;
`;

/**
 * Creates a seeded source database for this test; afterwards checks that its rows never changed
 * (per-table checksums), then drops it. Returns its name.
 */
export async function sourceDatabase(t: TestContext): Promise<string> {
  const name = `evolve_src_${process.pid}_${randomBytes(3).toString('hex')}`;
  await query('postgres', `CREATE DATABASE ${name}`);
  let before: Record<string, string> | null = null;
  t.after(async () => {
    try {
      if (before) assert.deepEqual(await tableChecksums(name), before, `the source ${name} changed during the test`);
    } finally {
      await query('postgres', `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
  await query(name, SEED);
  before = await tableChecksums(name);
  return name;
}

/** An md5 of every row of every table of the database, by table. */
export async function tableChecksums(database: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(database, "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  const sums: Record<string, string> = {};
  for (const { name } of tables) {
    const [row] = await query<{ sum: string }>(database, `SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) AS sum FROM "${name}" t`);
    sums[name] = row.sum;
  }
  return sums;
}

export async function databaseExists(name: string): Promise<boolean> {
  return (await query('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;
}

export { query };

/** The scratch database's name, from the snapshot-ready event's (redacted) URL. */
export function scratchOf(events: ChildEvent[]): string {
  const ready = events.find((e) => e.type === 'snapshot-ready');
  assert.ok(ready && ready.type === 'snapshot-ready', 'the snapshot was made');
  const name = new URL(ready.path).pathname.slice(1);
  assert.match(name, /^evolve_snap_/);
  return name;
}
