// The clone method of last resort, done by Evolve itself: the schema rebuilt from the source's
// catalog (enum types, sequences, tables with defaults, identity and generated columns, views,
// then constraints and indexes after the data) and every table's rows streamed with COPY. The
// source is read in one REPEATABLE READ READ ONLY transaction: one consistent view, never a write.
// Not copied: functions, triggers, domains, composite types, partitioned tables (use pg_dump).
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import { to as copyTo } from 'pg-copy-streams';
import { quoteIdent as q, type PgClient } from './pg-scratch';

const USER_SCHEMA = "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'";

type Row = Record<string, unknown>;
const rows = async (client: PgClient, sql: string, params: unknown[] = []): Promise<Row[]> => (await client.query(sql, params)).rows as Row[];
const name = (row: Row, schema = 'schema', rel = 'name') => `${q(String(row[schema]))}.${q(String(row[rel]))}`;

async function createTypesAndSequences(src: PgClient, dst: PgClient): Promise<void> {
  for (const row of await rows(src, `SELECT nspname AS schema FROM pg_namespace n WHERE ${USER_SCHEMA}`)) {
    await dst.query(`CREATE SCHEMA IF NOT EXISTS ${q(String(row.schema))}`);
  }
  const enums = await rows(
    src,
    `SELECT n.nspname AS schema, t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE ${USER_SCHEMA} GROUP BY 1, 2`,
  );
  for (const row of enums) {
    const labels = (row.labels as string[]).map((l) => `'${l.replace(/'/g, "''")}'`).join(', ');
    await dst.query(`CREATE TYPE ${name(row)} AS ENUM (${labels})`);
  }
  // Identity columns create their own sequences with the table.
  const sequences = await rows(
    src,
    `SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start,
            s.seqincrement::text AS inc, s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
       FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_SCHEMA} AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'i')`,
  );
  for (const s of sequences) {
    await dst.query(
      `CREATE SEQUENCE ${name(s)} AS ${s.type} INCREMENT BY ${s.inc} MINVALUE ${s.min} MAXVALUE ${s.max} START WITH ${s.start} CACHE ${s.cache} ${s.cycle ? 'CYCLE' : 'NO CYCLE'}`,
    );
  }
}

function columnDefinition(col: Row): string {
  let text = `${q(String(col.name))} ${col.type}`;
  if (col.generated === 's') text += ` GENERATED ALWAYS AS (${col.def}) STORED`;
  else if (col.identity === 'a' || col.identity === 'd') text += ` GENERATED ${col.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  else if (col.def !== null) text += ` DEFAULT ${col.def}`;
  return col.notnull ? `${text} NOT NULL` : text;
}

async function copyTables(src: PgClient, dst: PgClient, signal: AbortSignal): Promise<void> {
  const tables = await rows(
    src,
    `SELECT c.oid, n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND NOT c.relispartition AND ${USER_SCHEMA} ORDER BY c.oid`,
  );
  for (const table of tables) {
    const columns = await rows(
      src,
      `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull,
              pg_get_expr(d.adbin, d.adrelid) AS def, a.attidentity AS identity, a.attgenerated AS generated
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
      [table.oid],
    );
    await dst.query(`CREATE TABLE ${name(table)} (${columns.map(columnDefinition).join(', ')})`);
    const stored = columns.filter((c) => c.generated !== 's').map((c) => q(String(c.name)));
    if (stored.length === 0) continue;
    const target = `${name(table)} (${stored.join(', ')})`;
    await pipeline(src.query(copyTo(`COPY ${target} TO STDOUT`)), dst.query(copyFrom(`COPY ${target} FROM STDIN`)), { signal });
  }
}

async function createViewsConstraintsIndexes(src: PgClient, dst: PgClient): Promise<void> {
  const views = await rows(
    src,
    `SELECT n.nspname AS schema, c.relname AS name, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'v' AND ${USER_SCHEMA} ORDER BY c.oid`,
  );
  for (const view of views) await dst.query(`CREATE VIEW ${name(view)} AS ${view.def}`);
  // Keys before foreign keys, which need them.
  const constraints = await rows(
    src,
    `SELECT n.nspname AS schema, c.relname AS name, con.conname AS constraint, pg_get_constraintdef(con.oid) AS def
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_SCHEMA} AND con.contype IN ('p', 'u', 'c', 'x', 'f') ORDER BY con.contype = 'f', con.oid`,
  );
  for (const c of constraints) await dst.query(`ALTER TABLE ${name(c)} ADD CONSTRAINT ${q(String(c.constraint))} ${c.def}`);
  const indexes = await rows(
    src,
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND ${USER_SCHEMA}
        AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'))`,
  );
  for (const index of indexes) await dst.query(String(index.def));
  const sequences = await rows(src, `SELECT schemaname AS schema, sequencename AS name, last_value::text AS last FROM pg_sequences WHERE last_value IS NOT NULL`);
  for (const s of sequences) await dst.query(`SELECT setval($1, $2::bigint, true)`, [name(s), s.last]);
}

/** Copies the source database (on `src`) into the empty scratch database (on `dst`). */
export async function copyDatabase(src: PgClient, dst: PgClient, signal: AbortSignal): Promise<void> {
  await src.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    await createTypesAndSequences(src, dst);
    await copyTables(src, dst, signal);
    await createViewsConstraintsIndexes(src, dst);
  } finally {
    await src.query('ROLLBACK').catch(() => undefined);
  }
}
