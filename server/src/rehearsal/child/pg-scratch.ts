// The scratch databases a postgres rehearsal clones the source into: their names (prefix, creation
// time), the maintenance connection they are created and dropped from, and the sweep that drops
// those left by runs that crashed.
import { randomBytes } from 'node:crypto';
import type * as Pg from 'pg';
import { redactSource } from '../protocol';
import { internalPgClients } from './trace-pg';

export type PgModule = typeof Pg;
export type PgClient = Pg.Client;

export const SCRATCH_PREFIX = 'evolve_snap_';
const KEPT_COMMENT = 'evolve rehearsal: kept';
/** A scratch database younger than this is left alone by the sweep: another rehearsal may be making it. */
export const SWEEP_AGE_MS = 10 * 60_000;

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** `evolve_snap_<creation time, base 36>_<random>`: the sweep reads the age from the name. */
export function scratchName(now = Date.now()): string {
  return `${SCRATCH_PREFIX}${now.toString(36)}_${randomBytes(4).toString('hex')}`;
}

function createdAt(name: string): number | null {
  const match = /^evolve_snap_([0-9a-z]+)_[0-9a-f]+$/.exec(name);
  return match ? parseInt(match[1], 36) : null;
}

/** A connection of Evolve's own (neither fenced nor traced) that does not keep the child alive. */
export async function connectInternal(pg: PgModule, url: string): Promise<PgClient> {
  const client = new pg.Client({ connectionString: url });
  internalPgClients.add(client);
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw Object.assign(new Error(`Cannot connect to ${redactSource(url)}: ${(error as Error).message}. Check the URL, that the server runs and that the user may connect.`), { code });
  }
  (client as unknown as { connection?: { stream?: { unref?(): void } } }).connection?.stream?.unref?.();
  return client;
}

/** A connection to the server's maintenance database (postgres, else template1), to create and drop databases. */
export async function connectMaintenance(pg: PgModule, serverUrl: string): Promise<PgClient> {
  try {
    return await connectInternal(pg, withDatabase(serverUrl, 'postgres'));
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    return connectInternal(pg, withDatabase(serverUrl, 'template1'));
  }
}

export async function dropScratch(admin: PgClient, name: string): Promise<void> {
  // FORCE ends the connections a script that ignored the cancel still holds.
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

export async function markKept(admin: PgClient, name: string): Promise<void> {
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${KEPT_COMMENT}'`);
}

/** Drops scratch databases of crashed runs: old enough, not kept, nobody connected. Returns their names. */
export async function sweepScratchDatabases(admin: PgClient, now = Date.now()): Promise<string[]> {
  const { rows } = await admin.query<{ name: string; note: string | null; connections: number }>(
    `SELECT d.datname AS name, shobj_description(d.oid, 'pg_database') AS note,
            (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname)::int AS connections
       FROM pg_database d WHERE d.datname LIKE 'evolve\\_snap\\_%'`,
  );
  const dropped: string[] = [];
  for (const row of rows) {
    const created = createdAt(row.name);
    if (created === null || row.note === KEPT_COMMENT || row.connections > 0 || now - created < SWEEP_AGE_MS) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(row.name)}`);
      dropped.push(row.name);
    } catch {
      /* someone connected meanwhile, or another sweep dropped it: the next sweep decides */
    }
  }
  return dropped;
}
