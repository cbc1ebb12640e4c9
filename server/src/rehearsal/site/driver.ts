// What the site needs from a database: its user tables with a single-column primary key, a sample
// of existing keys, and a bounded number of connections to run one statement at a time on.
import type { SiteRequest } from './workload';

export interface TableInfo {
  /** As people write it (schema-qualified outside `public`). */
  name: string;
  /** Quoted SQL reference. */
  ref: string;
  /** The primary key column (SQLite: rowid when none is declared); null when there is no single-column key. */
  key: string | null;
}

export interface SiteDriver {
  readonly connections: number;
  tables(): Promise<TableInfo[]>;
  sampleKeys(table: TableInfo, limit: number): Promise<unknown[]>;
  quote(identifier: string): string;
  placeholder(index: number): string;
  /** Runs one request on a free connection (the caller never runs more than `connections` at once). */
  execute(request: SiteRequest): Promise<void>;
  close(): Promise<void>;
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;
