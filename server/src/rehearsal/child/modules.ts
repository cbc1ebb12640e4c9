// Module resolution in the child: drivers and libraries come from the workspace first and from
// Evolve's own install second, and every better-sqlite3, pg or PGlite the script (or a library
// it uses) loads is handed out traced and fenced.
import Module, { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { traceBetterSqlite3, type DatabaseConstructor } from './trace-sqlite';
import { tracePg, type PgFenceTarget } from './trace-pg';
import { tracePglite } from './trace-pglite';
import type { Tracer } from './tracer';

interface ModuleInternals {
  _load(request: string, parent: unknown, isMain: boolean): unknown;
  _resolveFilename(request: string, parent: unknown, isMain: boolean, options?: unknown): string;
}
const internals = Module as unknown as ModuleInternals;

export interface ModuleRoots {
  workspace: string;
  evolveRoot: string;
}

/** Requires a package from the workspace, else from Evolve's install; the error says where it looked. */
export function requireFromRoots(name: string, roots: ModuleRoots): unknown {
  const places = [join(roots.workspace, 'package.json'), join(roots.evolveRoot, 'package.json')];
  let lastError: unknown;
  for (const place of places) {
    try {
      return createRequire(place)(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw explainLoadError(name, error);
      lastError = error;
    }
  }
  throw new Error(
    `Cannot find "${name}" in the workspace (${roots.workspace}) or in Evolve's install (${roots.evolveRoot}). ` +
      `Install it in the workspace: npm install ${name}.` +
      (lastError instanceof Error ? ` (${lastError.message.split('\n')[0]})` : ''),
  );
}

function explainLoadError(name: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/NODE_MODULE_VERSION|was compiled against a different Node/.test(message)) {
    return new Error(
      `${name} was built for another Node version than the one running the rehearsal (${process.version}). ` +
        `Rebuild it with that Node (npm rebuild ${name}) or point evolve.nodePath at the Node it was built for.\n${message}`,
    );
  }
  return error instanceof Error ? error : new Error(message);
}

/** Where the traced modules point: the snapshot file or data directory, the snapshot's socket or scratch database. */
export interface FenceTargets {
  sqlitePath: string | null;
  pgliteDir: string | null;
  pgServer: PgFenceTarget | null;
}

/**
 * The driver files that hand out connections, recognised by where a require resolved to rather than by
 * the request's text: `require('better-sqlite3/lib/database')`, `require('pg/lib/client')`, an
 * absolute path or an ESM import (which loads the CommonJS file by its path) reach the same
 * constructors as `require('better-sqlite3')`, and must be fenced the same way.
 */
const SQLITE_CONSTRUCTOR_FILE = /[\\/]better-sqlite3[\\/]lib[\\/](?:index|database)\.js$/;
const PG_INDEX_FILE = /[\\/]pg[\\/]lib[\\/]index\.js$/;
const PG_CLIENT_FILE = /[\\/]pg[\\/]lib[\\/]client\.js$/;
/** PGlite's CommonJS build (its exports map allows no deeper import). */
const PGLITE_FILE = /[\\/]@electric-sql[\\/]pglite[\\/]dist[\\/]index\.cjs$/;

/** Where a request that just loaded resolved to; '' for the odd request only _load itself understands. */
function resolvedFile(request: string, parent: unknown, isMain: boolean): string {
  try {
    return internals._resolveFilename(request, parent, isMain);
  } catch {
    return '';
  }
}

/**
 * Installs the require hook. From now on `better-sqlite3`, `pg` and `@electric-sql/pglite` load
 * traced and fenced, and bare imports from the script's bundle (written outside the workspace)
 * resolve from the script's folder, the workspace, then Evolve's install.
 */
export function installModuleHooks(tracer: Tracer, fence: FenceTargets, roots: ModuleRoots, bundleFile: string, scriptDir: string): void {
  const originalLoad = internals._load;
  internals._load = function (request: string, parent: unknown, isMain: boolean) {
    const exports = originalLoad.call(this, request, parent, isMain);
    if (request.startsWith('node:')) return exports;
    const file = resolvedFile(request, parent, isMain);
    if (PGLITE_FILE.test(file)) return tracePglite(tracer, exports as Record<string, unknown>, fence.pgliteDir);
    if (SQLITE_CONSTRUCTOR_FILE.test(file)) return traceBetterSqlite3(tracer, exports as DatabaseConstructor, fence.sqlitePath);
    if (PG_INDEX_FILE.test(file)) tracePg(tracer, exports as Parameters<typeof tracePg>[1], fence.pgServer);
    if (PG_CLIENT_FILE.test(file)) tracePg(tracer, { Client: exports as Parameters<typeof tracePg>[1]['Client'] }, fence.pgServer);
    return exports;
  };
  const originalResolve = internals._resolveFilename;
  const fallbackPaths = [scriptDir, roots.workspace, roots.evolveRoot];
  const runtimeCopy = join(roots.evolveRoot, 'dist', 'evolve-runtime.js');
  internals._resolveFilename = function (request: string, parent: unknown, isMain: boolean, options?: unknown) {
    const fromBundle = (parent as { filename?: string } | undefined)?.filename === bundleFile;
    if (!fromBundle || request.startsWith('.') || request.startsWith('/') || request.startsWith('node:')) {
      return originalResolve.call(this, request, parent, isMain, options);
    }
    try {
      return originalResolve.call(this, request, parent, isMain, { paths: fallbackPaths });
    } catch (error) {
      // evolve-runtime ships with Evolve: scripts can use it without installing it.
      if ((request === 'evolve-runtime' || request.startsWith('evolve-runtime/')) && existsSync(runtimeCopy)) return runtimeCopy;
      throw error;
    }
  };
}
