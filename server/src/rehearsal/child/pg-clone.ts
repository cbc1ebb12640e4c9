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
import { connectInternal, databaseOf, quoteIdent, type PgClient, type PgModule } from './pg-scratch';

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

async function otherConnections(admin: PgClient, database: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
  return rows[0].n;
}

async function byTemplate(req: CloneRequest): Promise<void> {
  if (!req.sameServer) throw new Error('the scratch database is on another server than the source, and TEMPLATE only clones on one server');
  const source = databaseOf(req.sourceUrl);
  const others = await otherConnections(req.admin, source);
  if (others > 0) throw new Error(`the source database has ${others} other connection(s), and PostgreSQL only clones a template nobody is connected to`);
  await req.admin.query(`CREATE DATABASE ${quoteIdent(databaseOf(req.scratchUrl))} TEMPLATE ${quoteIdent(source)}`);
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
  await req.admin.query(`CREATE DATABASE ${quoteIdent(databaseOf(req.scratchUrl))} TEMPLATE template0`);
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
  await req.admin.query(`CREATE DATABASE ${quoteIdent(databaseOf(req.scratchUrl))} TEMPLATE template0`);
  const src = await connectInternal(req.pg, req.sourceUrl);
  const dst = await connectInternal(req.pg, req.scratchUrl);
  try {
    await copyDatabase(src, dst, req.signal);
  } finally {
    await Promise.allSettled([src.end(), dst.end()]);
  }
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
      await drop();
      if (forced || req.signal.aborted) throw new Error(`Cloning the source by ${method} failed: ${(error as Error).message}`);
      reasons.push(`${method}: ${(error as Error).message}`);
    }
  }
  throw new Error(`Could not clone the source database:\n${reasons.join('\n')}`);
}
