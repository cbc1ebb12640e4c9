// Compares every table's content between two end states without caring about row order: each row
// is hashed (MD5 of its values by column name), and a table's hash is the row count plus the sum
// of its row hashes (four 32-bit lanes, mod 2^32): equal multisets of rows, equal hashes, in one
// pass. Only differing tables are read again, for example rows. SQLite rows stream from
// better-sqlite3; PGlite rows come as JSON (row_to_json) from each database in turn.
import { createHash } from 'node:crypto';
import type { TableComparison } from '../protocol';

type Row = Record<string, unknown>;
interface Db {
  prepare(sql: string): { all(): unknown[]; iterate(): IterableIterator<unknown> };
  close(): void;
}
export type ReadonlySqlite = new (filename: string, options?: object) => Db;
interface Pglite {
  query(sql: string): Promise<{ rows: Record<string, unknown>[] }>;
  close(): Promise<void>;
}
export type PgliteFactory = { create(dataDir: string): Promise<Pglite> };

/** One end state: its tables, and a fresh pass over a table's rows each time it is asked. */
interface EndState {
  tables: string[];
  rows(table: string): Iterable<Row>;
}

const EXAMPLES_PER_SIDE = 3;
/** Columns that differ between any two runs by design: evolve-runtime stamps its checkpoints with the time. */
const IGNORED_COLUMNS: Record<string, string[]> = { evolve_checkpoints: ['updated_at'] };
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A row as plain JSON: columns by name, blobs as hex, so hashes and examples are stable. */
function canonical(table: string, row: Row): Row {
  const ignored = IGNORED_COLUMNS[table.toLowerCase()] ?? [];
  const out: Row = {};
  for (const key of Object.keys(row).sort()) {
    if (ignored.includes(key)) continue;
    const value = row[key];
    out[key] = Buffer.isBuffer(value) ? { blob: value.toString('hex') } : typeof value === 'bigint' ? String(value) : value;
  }
  return out;
}

function rowHash(row: Row): string {
  return createHash('md5').update(JSON.stringify(row)).digest('hex');
}

/** Order-independent content hash of one table: `<rows>:<lane sums>`. */
function tableHash(state: EndState, table: string): { rows: number; hash: string } {
  const lanes = new Uint32Array(4);
  let count = 0;
  for (const row of state.rows(table)) {
    const digest = Buffer.from(rowHash(canonical(table, row)), 'hex');
    for (let i = 0; i < 4; i++) lanes[i] += digest.readUInt32BE(i * 4);
    count++;
  }
  return { rows: count, hash: `${count}:${[...lanes].map((n) => n.toString(16).padStart(8, '0')).join('')}` };
}

/** Rows of `a` not matched one-for-one by a row of `b` (a multiset difference), a few of them. */
function onlyIn(a: EndState, b: EndState, table: string): Row[] {
  const remaining = new Map<string, number>();
  for (const row of b.rows(table)) {
    const h = rowHash(canonical(table, row));
    remaining.set(h, (remaining.get(h) ?? 0) + 1);
  }
  const examples: Row[] = [];
  for (const row of a.rows(table)) {
    const canon = canonical(table, row);
    const h = rowHash(canon);
    const left = remaining.get(h) ?? 0;
    if (left > 0) remaining.set(h, left - 1);
    else if (examples.push(canon) >= EXAMPLES_PER_SIDE) break;
  }
  return examples;
}

function compareStates(resumed: EndState, reference: EndState): TableComparison[] {
  const mine = new Set(resumed.tables);
  const theirs = new Set(reference.tables);
  return [...new Set([...mine, ...theirs])].sort().map((name): TableComparison => {
    if (!mine.has(name) || !theirs.has(name)) {
      return { name, equal: false, rows: mine.has(name) ? tableHash(resumed, name).rows : null, referenceRows: theirs.has(name) ? tableHash(reference, name).rows : null };
    }
    const a = tableHash(resumed, name);
    const b = tableHash(reference, name);
    if (a.hash === b.hash) return { name, equal: true, rows: a.rows, referenceRows: b.rows };
    const exampleRows = [
      ...onlyIn(resumed, reference, name).map((row) => ({ side: 'resumed' as const, row })),
      ...onlyIn(reference, resumed, name).map((row) => ({ side: 'reference' as const, row })),
    ];
    return { name, equal: false, rows: a.rows, referenceRows: b.rows, exampleRows };
  });
}

function sqliteState(db: Db): EndState {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return { tables: names.map((r) => r.name), rows: (table) => db.prepare(`SELECT * FROM ${quote(table)}`).iterate() as IterableIterator<Row> };
}

/** Compares every table of the run's end state (`path`) with the reference run's (`referencePath`). */
export function compareSqliteTables(Database: ReadonlySqlite, path: string, referencePath: string): TableComparison[] {
  const resumed = new Database(path, { readonly: true, fileMustExist: true });
  const reference = new Database(referencePath, { readonly: true, fileMustExist: true });
  try {
    return compareStates(sqliteState(resumed), sqliteState(reference));
  } finally {
    resumed.close();
    reference.close();
  }
}

/** A PGlite database's user tables, read whole (PGlite snapshots are small: they live in memory too). */
async function pgliteState(db: Pglite): Promise<EndState> {
  const { rows: names } = await db.query(
    "SELECT table_schema AS s, table_name AS n FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
  );
  const data = new Map<string, Row[]>();
  for (const { s, n } of names) {
    const name = s === 'public' ? String(n) : `${String(s)}.${String(n)}`;
    const { rows } = await db.query(`SELECT row_to_json(t)::text AS j FROM ${quote(String(s))}.${quote(String(n))} t`);
    data.set(name, rows.map((r) => JSON.parse(String(r.j)) as Row));
  }
  return { tables: [...data.keys()], rows: (table) => data.get(table) ?? [] };
}

/** The PGlite end state (the snapshot's own instance) against the reference run's kept data directory. */
export async function comparePgliteTables(PGlite: PgliteFactory, db: Pglite, referencePath: string): Promise<TableComparison[]> {
  const reference = await PGlite.create(referencePath);
  try {
    return compareStates(await pgliteState(db), await pgliteState(reference));
  } finally {
    await reference.close();
  }
}
