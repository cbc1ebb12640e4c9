// Row counts of the production database, for the ETA (`--production SRC`, a SQLite file opened
// read-only before the script starts). A table ANALYZE has described is taken from sqlite_stat1
// (the first number of its stat is the row count as of that ANALYZE): free on any size of table.
// Others are counted with COUNT(*), which SQLite answers from the smallest index.
import type { ProductionCount } from '../protocol';

interface Db {
  prepare(sql: string): { all(): unknown[]; pluck(): { get(): unknown } };
  close(): void;
}
type ReadonlySqlite = new (filename: string, options?: object) => Db;

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Rows per table from sqlite_stat1, when ANALYZE has run; the largest of a table's index entries. */
function statRows(db: Db): Map<string, number> {
  const rows = new Map<string, number>();
  const hasStat = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").pluck().get();
  if (!hasStat) return rows;
  for (const { tbl, stat } of db.prepare('SELECT tbl, stat FROM sqlite_stat1').all() as { tbl: string; stat: string }[]) {
    const n = Number(String(stat).split(' ')[0]);
    if (Number.isFinite(n)) rows.set(tbl.toLowerCase(), Math.max(n, rows.get(tbl.toLowerCase()) ?? 0));
  }
  return rows;
}

export function countProductionTables(Database: ReadonlySqlite, path: string, label: string): ProductionCount[] {
  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new Error(`Cannot open the production database ${label} to count its rows for the ETA: ${(error as Error).message}`);
  }
  try {
    const stats = statRows(db);
    const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return names.map(({ name }) => {
      const estimated = stats.get(name.toLowerCase());
      if (estimated !== undefined) return { name: name.toLowerCase(), rows: estimated, counted: `estimated from sqlite_stat1 of ${label} (as of its last ANALYZE)` };
      return { name: name.toLowerCase(), rows: Number(db.prepare(`SELECT count(*) FROM ${quote(name)}`).pluck().get()), counted: `COUNT(*) of ${label}` };
    });
  } finally {
    db.close();
  }
}
