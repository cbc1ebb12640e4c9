// The site on PostgreSQL: its own pg clients on the scratch database (never the source), named
// evolve-site in pg_stat_activity, each with the application's lock_timeout and statement_timeout.
import { requireFromRoots, type ModuleRoots } from '../child/modules';
import { quoteIdent, type SiteDriver, type TableInfo } from './driver';
import { SITE_APPLICATION_NAME } from './messages';

interface Client {
  connect(): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: 'error', listener: (error: Error) => void): void;
}
type PgModule = { Client: new (config: object) => Client };

export async function postgresDriver(url: string, timeouts: { lockTimeoutMs: number; statementTimeoutMs: number }, roots: ModuleRoots, connections: number): Promise<SiteDriver> {
  const pg = requireFromRoots('pg', roots) as PgModule;
  const clients: Client[] = [];
  try {
    for (let i = 0; i < connections; i++) {
      const client = new pg.Client({ connectionString: url, application_name: SITE_APPLICATION_NAME });
      // A connection dropped under the site (the scratch database is being dropped) fails its request.
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      await client.query(`SET lock_timeout = ${Math.round(timeouts.lockTimeoutMs)}; SET statement_timeout = ${Math.round(timeouts.statementTimeoutMs)}`);
    }
  } catch (error) {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    throw error;
  }
  const idle = [...clients];
  return {
    connections,
    async tables() {
      const { rows } = await clients[0].query(
        `SELECT n.nspname AS schema, c.relname AS name,
                (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                  WHERE i.indrelid = c.oid AND i.indisprimary AND i.indnkeyatts = 1) AS key
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
            AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
          ORDER BY 1, 2`,
      );
      return rows.map((r): TableInfo => {
        const [schema, name] = [String(r.schema), String(r.name)];
        return schema === 'public' ? { name, ref: quoteIdent(name), key: (r.key as string | null) ?? null } : { name: `${schema}.${name}`, ref: `${quoteIdent(schema)}.${quoteIdent(name)}`, key: (r.key as string | null) ?? null };
      });
    },
    async sampleKeys(table, limit) {
      const { rows } = await clients[0].query(`SELECT ${quoteIdent(table.key as string)} AS k FROM ${table.ref} ORDER BY random() LIMIT $1`, [limit]);
      return rows.map((r) => r.k);
    },
    quote: quoteIdent,
    placeholder: (index) => `$${index}`,
    async execute(request) {
      const client = idle.pop();
      if (!client) throw new Error('no idle site connection');
      try {
        await client.query(request.sql, request.params);
      } finally {
        idle.push(client);
      }
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    },
  };
}
