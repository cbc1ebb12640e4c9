// The scratch databases a postgres rehearsal clones the source into: their names (prefix, creation
// time), the maintenance connection they are created and dropped from, and the sweep that drops
// those left by runs that crashed.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
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

/** A scratch database the run could not drop: the report says which, and what to do about it. */
export class ScratchLeftError extends Error {
  override name = 'RehearsalSetupError';
  constructor(
    readonly server: string,
    readonly database: string,
    /** The server does not answer at all (it stopped or restarts), rather than refusing the drop. */
    readonly serverGone: boolean,
    cause: Error,
  ) {
    super(
      `The scratch database ${database} could not be dropped (${serverGone ? `PostgreSQL at ${server} does not answer: ` : ''}${cause.message}): ` +
        `the next rehearsal on that server drops it, or drop it yourself: DROP DATABASE ${quoteIdent(database)};`,
    );
  }
}

/** Errors that mean the connection or the server is gone, not that a statement failed. */
function connectionLost(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', '57P01', '57P02', '57P03'].includes(code ?? '') || /Connection terminated|not queryable/i.test(message ?? '');
}

/**
 * Drops the scratch database on `admin`, else (that connection died with the server, say) on a new
 * one. Throws ScratchLeftError when it stays: the server is down, or refuses.
 */
export async function dropScratchOrExplain(pg: PgModule, admin: PgClient, serverUrl: string, name: string): Promise<void> {
  try {
    return await dropScratch(admin, name);
  } catch (error) {
    if (!connectionLost(error)) throw new ScratchLeftError(hostOf(serverUrl), name, false, error as Error);
  }
  let fresh: PgClient | null = null;
  try {
    fresh = await connectMaintenance(pg, serverUrl);
    await dropScratch(fresh, name);
  } catch (error) {
    throw new ScratchLeftError(hostOf(serverUrl), name, connectionLost(error), error as Error);
  } finally {
    await fresh?.end().catch(() => undefined);
  }
}

function hostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 5432}`;
}

export async function markKept(admin: PgClient, name: string): Promise<void> {
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${KEPT_COMMENT}'`);
}

const OWNER_COMMENT = /^evolve rehearsal: pid (\d+) on (.*)$/;

/** Names the process that owns the scratch database, so a sweep can drop it as soon as that process is gone. */
export async function markOwner(admin: PgClient, name: string): Promise<void> {
  const note = `evolve rehearsal: pid ${process.pid} on ${hostname()}`;
  await admin.query(`COMMENT ON DATABASE ${quoteIdent(name)} IS '${note.replace(/'/g, "''")}'`);
}

/** Whether the note names an owner process on this machine that has ended. */
function ownerGone(note: string | null): boolean {
  const match = note === null ? null : OWNER_COMMENT.exec(note);
  if (!match || match[2] !== hostname()) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Drops scratch databases of crashed runs: not kept, nobody connected, and old enough or owned by a
 * process of this machine that has ended (a run that could not drop its own: the server was down).
 * Returns their names.
 */
export async function sweepScratchDatabases(admin: PgClient, now = Date.now()): Promise<string[]> {
  const { rows } = await admin.query<{ name: string; note: string | null; connections: number }>(
    `SELECT d.datname AS name, shobj_description(d.oid, 'pg_database') AS note,
            (SELECT count(*) FROM pg_stat_activity a WHERE a.datname = d.datname)::int AS connections
       FROM pg_database d WHERE d.datname LIKE 'evolve\\_snap\\_%'`,
  );
  const dropped: string[] = [];
  for (const row of rows) {
    const created = createdAt(row.name);
    if (created === null || row.note === KEPT_COMMENT || row.connections > 0 || (now - created < SWEEP_AGE_MS && !ownerGone(row.note))) continue;
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(row.name)}`);
      dropped.push(row.name);
    } catch {
      /* someone connected meanwhile, or another sweep dropped it: the next sweep decides */
    }
  }
  return dropped;
}
