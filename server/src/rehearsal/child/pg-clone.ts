// Clones the source database into the scratch database, by the cheapest method that works:
//   template  CREATE DATABASE ... TEMPLATE, when the scratch database is on the source's server and
//             nobody else is connected to the source (PostgreSQL refuses otherwise);
//   pg_dump   pg_dump | pg_restore, when the client tools are on the PATH;
//   copy      Evolve's own schema rebuild and streaming COPY (pg-copy.ts).
// EVOLVE_PG_CLONE_METHOD forces one method (no fallback), e.g. to test each.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { PgCloneMethod } from '../protocol';
import { copyDatabase } from './pg-copy';
import { connectInternal, databaseOf, markOwner, quoteIdent, type PgClient, type PgModule } from './pg-scratch';

const METHODS: readonly PgCloneMethod[] = ['template', 'pg_dump', 'copy'];

export interface CloneRequest {
  pg: PgModule;
  admin: PgClient;
  sourceUrl: string;
  scratchUrl: string;
  /** Whether the scratch database is on the source's own server (TEMPLATE needs that). */
  sameServer: boolean;
  signal: AbortSignal;
}

export function forcedMethod(value = process.env.EVOLVE_PG_CLONE_METHOD): PgCloneMethod | null {
  if (!value) return null;
  if (!(METHODS as readonly string[]).includes(value)) throw new Error(`EVOLVE_PG_CLONE_METHOD must be one of ${METHODS.join(', ')}, got "${value}".`);
  return value as PgCloneMethod;
}

function findTool(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/** Creates the scratch database and names its owner at once, so a sweep can drop it should this run die. */
async function createScratch(req: CloneRequest, template: string): Promise<void> {
  const name = databaseOf(req.scratchUrl);
  await req.admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
  await markOwner(req.admin, name);
}

async function otherConnections(admin: PgClient, database: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return rows[0].n;
}

async function byTemplate(req: CloneRequest): Promise<void> {
  if (!req.sameServer) throw new Error('the scratch database is on another server than the source, and TEMPLATE only clones on one server');
  const source = databaseOf(req.sourceUrl);
  const others = await otherConnections(req.admin, source);
  if (others > 0) throw new Error(`the source database has ${others} other connection(s), and PostgreSQL only clones a template nobody is connected to`);
  await createScratch(req, source);
}

/**
 * The URL without its password (given as user:password@ or as ?password=), and the password for
 * PGPASSWORD: pg_dump's argv is visible to every user of the machine.
 */
export function libpqTarget(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password) || parsed.searchParams.get('password') || '';
  parsed.password = '';
  parsed.searchParams.delete('password');
  return { url: parsed.toString(), env: password ? { ...process.env, PGPASSWORD: password } : { ...process.env } };
}

function finished(child: ReturnType<typeof spawn>, tool: string, stderr: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    child.on('error', (error) => reject(new Error(`${tool} could not start: ${error.message}`)));
    child.on('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${tool} failed (${signal ?? `exit code ${code}`}): ${stderr.join('').trim().slice(-2000)}`)),
    );
  });
}

async function byDump(req: CloneRequest): Promise<void> {
  const pgDump = findTool('pg_dump');
  const pgRestore = findTool('pg_restore');
  if (!pgDump || !pgRestore) throw new Error('pg_dump and pg_restore are not on the PATH (install the PostgreSQL client tools)');
  await createScratch(req, 'template0');
  const source = libpqTarget(req.sourceUrl);
  const target = libpqTarget(req.scratchUrl);
  const common = ['--no-owner', '--no-privileges'];
  const dump = spawn(pgDump, ['--format=custom', ...common, `--dbname=${source.url}`], { env: source.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const restore = spawn(pgRestore, [...common, '--exit-on-error', `--dbname=${target.url}`], { env: target.env, stdio: ['pipe', 'ignore', 'pipe'] });
  const dumpErr: string[] = [];
  const restoreErr: string[] = [];
  dump.stderr?.on('data', (chunk: Buffer) => dumpErr.push(chunk.toString()));
  restore.stderr?.on('data', (chunk: Buffer) => restoreErr.push(chunk.toString()));
  restore.stdin?.on('error', () => undefined);
  dump.stdout?.pipe(restore.stdin!);
  const stop = () => [dump, restore].forEach((c) => c.kill('SIGKILL'));
  req.signal.addEventListener('abort', stop, { once: true });
  try {
    await Promise.all([finished(dump, 'pg_dump', dumpErr), finished(restore, 'pg_restore', restoreErr)]);
  } finally {
    req.signal.removeEventListener('abort', stop);
  }
  req.signal.throwIfAborted();
}

async function byCopy(req: CloneRequest): Promise<void> {
  await createScratch(req, 'template0');
  const src = await connectInternal(req.pg, req.sourceUrl);
  const dst = await connectInternal(req.pg, req.scratchUrl);
  try {
    await copyDatabase(src, dst, req.signal);
  } finally {
    await Promise.allSettled([src.end(), dst.end()]);
  }
}

/** The line saying the server's disk is full (SQLSTATE 53100, or pg_restore quoting it), if it is. */
function diskFull(error: Error & { code?: string }): string | null {
  const line = error.message.split('\n').find((l) => /No space left on device|could not extend file/i.test(l));
  return line?.trim() ?? (error.code === '53100' ? error.message : null);
}

/** Evolve's own explanation (shown without a stack). */
class CloneError extends Error {
  override name = 'RehearsalSetupError';
}

function outOfSpace(scratchUrl: string, method: PgCloneMethod, detail: string, dropError: Error | null): string {
  const { hostname, port } = new URL(scratchUrl);
  // Dropping needs a checkpoint, which PostgreSQL cannot write on a full disk: it stops (PANIC).
  const dropped = dropError
    ? `Dropping the partial copy failed too (${dropError.message}): PostgreSQL stops when a full disk keeps it from writing a checkpoint.`
    : 'The partial copy was dropped.';
  return (
    `The PostgreSQL server at ${hostname}:${port || 5432} ran out of disk space while the source was cloned into the scratch database (${method}: ${detail}). ${dropped} ` +
    'Free space on that server, or point the snapshot\'s "target" in evolve.config.json at a server with room for a copy of the source.'
  );
}

const RUN: Record<PgCloneMethod, (req: CloneRequest) => Promise<void>> = { template: byTemplate, pg_dump: byDump, copy: byCopy };

/**
 * Clones with the forced method, or tries template, pg_dump and copy in turn; a failed attempt's
 * half-made database is dropped before the next. Returns the method that worked.
 */
export async function cloneDatabase(req: CloneRequest, drop: () => Promise<void>): Promise<PgCloneMethod> {
  const forced = forcedMethod();
  const reasons: string[] = [];
  for (const method of forced ? [forced] : METHODS) {
    req.signal.throwIfAborted();
    try {
      await RUN[method](req);
      return method;
    } catch (error) {
      const full = diskFull(error as Error);
      const dropped = await drop().then(
        () => null,
        (dropError: Error) => dropError,
      );
      // Another method needs the same room: say what is wrong instead of trying it.
      if (full) throw new CloneError(outOfSpace(req.scratchUrl, method, full, dropped));
      if (dropped) throw dropped;
      if (forced || req.signal.aborted) throw new Error(`Cloning the source by ${method} failed: ${(error as Error).message}`);
      reasons.push(`${method}: ${(error as Error).message}`);
    }
  }
  throw new Error(`Could not clone the source database:\n${reasons.join('\n')}`);
}
