// A private PostgreSQL cluster for a fault test: initdb into a temp folder as the postgres user,
// started on a free port with its socket in that folder, stopped and removed after the test. The
// test may stop it (as a crash would) and start it again; the shared 5432 server is never touched.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { SmallDisk } from './fault-helpers';

export interface PrivateCluster {
  url: string;
  port: number;
  /** pg_ctl stop -m immediate: the postmaster and its backends end at once, as in a crash. */
  crash(): void;
  /** Stops it if it still runs (waiting for a postmaster that is shutting down), then starts it. */
  restart(): void;
  start(): void;
}

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const version = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a))[0];
  return version ? join(root, version, 'bin') : null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The cluster, or why there cannot be one here (a failure in CI, where it must run). With `dataDisk`
 * its data folder is on that folder (a small tmpfs, to fill), its WAL in the temp folder: a full data
 * disk is then an error for the statement that needed room, not a server that stops.
 */
export async function privateCluster(t: TestContext, options: { dataDisk?: SmallDisk } = {}): Promise<PrivateCluster | { skip: string }> {
  const skip = (reason: string) => {
    if (process.env.CI === 'true') throw new Error(`${reason}; CI must run the private-cluster tests`);
    return { skip: reason };
  };
  const bin = binDir();
  if (!bin) return skip('initdb is not installed (/usr/lib/postgresql/<version>/bin): install the PostgreSQL server package');
  // Privileges of the machine, not something the project sets up: skipped even in CI.
  if (process.getuid?.() !== 0) return { skip: 'starting a private cluster as the postgres user needs root' };
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) return { skip: 'there is no postgres user to run initdb as' };
  const uid = Number(ids.stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const root = mkdtempSync(join(tmpdir(), 'evolve-pgcluster-'));
  chownSync(root, uid, gid);
  if (options.dataDisk) chownSync(options.dataDisk.dir, uid, gid);
  const data = join(options.dataDisk?.dir ?? root, 'data');
  const port = await freePort();
  const asPostgres = (tool: string, args: string[]) => execFileSync(join(bin, tool), args, { uid, gid, cwd: root, stdio: 'pipe', env: { PATH: process.env.PATH, LANG: 'C' } });
  const start = () => asPostgres('pg_ctl', ['start', '-w', '-D', data, '-l', join(root, 'log'), '-o', `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off`]);
  asPostgres('initdb', ['-D', data, `--waldir=${join(root, 'wal')}`, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  start();
  const stop = () => spawnSync(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-D', data], { uid, gid, cwd: root, stdio: 'ignore' });
  options.dataDisk?.beforeUnmount(stop);
  t.after(() => {
    stop();
    rmSync(root, { recursive: true, force: true });
  });
  return {
    url: `postgres://postgres@127.0.0.1:${port}`,
    port,
    crash: () => asPostgres('pg_ctl', ['stop', '-m', 'immediate', '-D', data]),
    restart: () => {
      stop();
      start();
    },
    start,
  };
}
