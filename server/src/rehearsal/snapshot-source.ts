// Which database a rehearsal copies. The --snapshot rule, in order:
//   1. a name from evolve.config.json's "snapshots" section;
//   2. anything with a scheme (`name://`) is a URL: file:// is a path, postgres:// a server (engine postgres);
//   3. anything else is a file or folder path, relative to the workspace.
// Without --snapshot: the config's only snapshot, else the one named "default".
// The engine comes from --engine, else the config entry, else the source itself: a folder is a
// PGlite data directory, a .tar/.tgz/.tar.gz file a PGlite dump, a file starting with
// "SQLite format 3" a SQLite database.
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvolveConfig } from '../core/config';
import { redactSource, type SnapshotEngineName } from './protocol';

/** A usage or configuration problem: the CLI exits with code 2. */
export class RehearsalConfigError extends Error {
  override name = 'RehearsalConfigError';
}

export interface SnapshotChoice {
  engine: SnapshotEngineName;
  /** Absolute path of the SQLite file, PGlite data directory or PGlite dump; a URL for postgres. */
  source: string;
  /** postgres: the server the scratch database is made on, from the config's `target` (default: the source's). */
  target?: string;
  /** For people: the config name and the source, with credentials redacted. */
  label: string;
}

const SQLITE_HEADER = 'SQLite format 3\0';

function startsWithSqliteHeader(path: string): boolean {
  const buffer = Buffer.alloc(SQLITE_HEADER.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, buffer, 0, buffer.length, 0) === buffer.length && buffer.toString('latin1') === SQLITE_HEADER;
  } finally {
    closeSync(fd);
  }
}

function inferEngine(path: string): SnapshotEngineName {
  if (statSync(path).isDirectory()) return 'pglite';
  if (/\.(tar|tgz|tar\.gz)$/i.test(path)) return 'pglite';
  if (startsWithSqliteHeader(path)) return 'sqlite';
  throw new RehearsalConfigError(`Cannot tell which engine ${path} is for: it is not a SQLite database, a folder or a .tar/.tgz dump. Pass --engine sqlite or --engine pglite.`);
}

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

function fromPostgresUrl(source: string, what: string, engine: string | undefined, target: string | undefined): SnapshotChoice {
  if (engine !== undefined && engine !== 'postgres') {
    throw new RehearsalConfigError(`${what} is a PostgreSQL server (${redactSource(source)}), which the ${engine} engine cannot copy: use --engine postgres.`);
  }
  let url: URL;
  try {
    url = new URL(source);
  } catch {
    throw new RehearsalConfigError(`${what} is not a valid PostgreSQL URL (${redactSource(source)}): use postgres://user:password@host:port/database.`);
  }
  if (url.pathname.length <= 1) throw new RehearsalConfigError(`${what} (${redactSource(source)}) names no database: add it, as in postgres://host:5432/app.`);
  if (target !== undefined && !POSTGRES_URL.test(target)) throw new RehearsalConfigError(`The target of ${what} must be a postgres:// URL, got ${redactSource(target)}.`);
  return { engine: 'postgres', source, label: redactSource(source), ...(target ? { target } : {}) };
}

function fromSource(source: string, base: string, what: string, engine: string | undefined, target?: string): SnapshotChoice {
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    if (source.startsWith('file://')) path = fileURLToPath(source);
    else if (POSTGRES_URL.test(source)) return fromPostgresUrl(source, what, engine, target);
    else throw new RehearsalConfigError(`${what} is a URL Evolve cannot snapshot (${redactSource(source)}): use a postgres:// or file:// URL, a file or a folder.`);
  } else {
    path = isAbsolute(source) ? source : resolve(base, source);
  }
  if (!existsSync(path)) throw new RehearsalConfigError(`${what}: there is no file or folder at ${path}.`);
  if (engine === 'postgres') throw new RehearsalConfigError(`${what} uses engine "postgres", whose source must be a postgres:// URL, not the path ${path}.`);
  if (engine !== undefined && engine !== 'sqlite' && engine !== 'pglite') throw new RehearsalConfigError(`Unknown engine "${engine}": use sqlite, pglite or postgres.`);
  return { engine: (engine as SnapshotEngineName | undefined) ?? inferEngine(path), source: path, label: path };
}

export function resolveSnapshot(arg: string | undefined, engine: string | undefined, config: EvolveConfig, workspace: string): SnapshotChoice {
  const names = Object.keys(config.snapshots);
  let name = arg;
  if (name === undefined) {
    if (names.length === 1) name = names[0];
    else if (config.snapshots.default) name = 'default';
    else {
      throw new RehearsalConfigError(
        names.length === 0
          ? 'No snapshot to rehearse on: pass --snapshot <file, folder or config name>, or add a "snapshots" entry to evolve.config.json.'
          : `Several snapshots are configured (${names.join(', ')}): pick one with --snapshot <name>.`,
      );
    }
  }
  const entry = config.snapshots[name];
  if (entry) {
    const choice = fromSource(entry.source, config.root, `Snapshot "${name}" in ${config.file ?? 'evolve.config.json'}`, engine ?? entry.engine, entry.target);
    return { ...choice, label: `${name} (${redactSource(choice.label)})` };
  }
  const looksLikeName = !/[\\/.:]/.test(name);
  const path = isAbsolute(name) ? name : resolve(workspace, name);
  if (looksLikeName && !existsSync(path)) {
    throw new RehearsalConfigError(
      `No snapshot named "${name}" in evolve.config.json${names.length ? ` (names: ${names.join(', ')})` : ''}, and no file or folder ${path}.`,
    );
  }
  return fromSource(name, workspace, `--snapshot ${redactSource(name)}`, engine);
}
