// Compares every table's content between two SQLite databases without caring about row order:
// each row is hashed (MD5 of its values by column name), and a table's hash is the row count plus
// the sum of its row hashes (four 32-bit lanes, mod 2^32): equal multisets of rows, equal hashes,
// in one pass and constant memory. Only differing tables are read again, for example rows.
import { createHash } from 'node:crypto';
import type { TableComparison } from '../protocol';

type Row = Record<string, unknown>;
interface Db {
  prepare(sql: string): { all(): unknown[]; iterate(): IterableIterator<unknown> };
  close(): void;
}
export type ReadonlySqlite = new (filename: string, options?: object) => Db;

const EXAMPLES_PER_SIDE = 3;
/** Columns that differ between any two runs by design: evolve-runtime stamps its checkpoints with the time. */
const IGNORED_COLUMNS: Record<string, string[]> = { evolve_checkpoints: ['updated_at'] };
const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A row as plain JSON: columns by name, blobs as hex, so hashes and examples are stable. */
function canonical(row: Row): Row {
  const out: Row = {};
  for (const key of Object.keys(row).sort()) {
    const value = row[key];
    out[key] = Buffer.isBuffer(value) ? { blob: value.toString('hex') } : typeof value === 'bigint' ? String(value) : value;
  }
  return out;
}

function rowHash(row: Row): string {
  return createHash('md5').update(JSON.stringify(canonical(row))).digest('hex');
}

function tableNames(db: Db): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  return rows.map((r) => r.name);
}

function* rows(db: Db, table: string): Generator<Row> {
  const ignored = IGNORED_COLUMNS[table.toLowerCase()] ?? [];
  for (const row of db.prepare(`SELECT * FROM ${quote(table)}`).iterate() as IterableIterator<Row>) {
    for (const column of ignored) delete row[column];
    yield row;
  }
}

/** Order-independent content hash of one table: `<rows>:<lane sums>`. */
export function tableHash(db: Db, table: string): { rows: number; hash: string } {
  const lanes = new Uint32Array(4);
  let count = 0;
  for (const row of rows(db, table)) {
    const digest = Buffer.from(rowHash(row), 'hex');
    for (let i = 0; i < 4; i++) lanes[i] += digest.readUInt32BE(i * 4);
    count++;
  }
  return { rows: count, hash: `${count}:${[...lanes].map((n) => n.toString(16).padStart(8, '0')).join('')}` };
}

/** Rows of `a` not matched one-for-one by a row of `b` (a multiset difference), a few of them. */
function onlyIn(a: Db, b: Db, table: string): Row[] {
  const remaining = new Map<string, number>();
  for (const row of rows(b, table)) {
    const h = rowHash(row);
    remaining.set(h, (remaining.get(h) ?? 0) + 1);
  }
  const examples: Row[] = [];
  for (const row of rows(a, table)) {
    const h = rowHash(row);
    const left = remaining.get(h) ?? 0;
    if (left > 0) remaining.set(h, left - 1);
    else if (examples.push(canonical(row)) >= EXAMPLES_PER_SIDE) break;
  }
  return examples;
}

/** Compares every table of the run's end state (`path`) with the reference run's (`referencePath`). */
export function compareSqliteTables(Database: ReadonlySqlite, path: string, referencePath: string): TableComparison[] {
  const resumed = new Database(path, { readonly: true, fileMustExist: true });
  const reference = new Database(referencePath, { readonly: true, fileMustExist: true });
  try {
    const mine = new Set(tableNames(resumed));
    const theirs = new Set(tableNames(reference));
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
  } finally {
    resumed.close();
    reference.close();
  }
}
