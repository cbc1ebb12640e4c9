// Loads a bundle through V8's code cache: dist/server.js starts the language server this way
// (boot.ts), dist/cli.js the CLI and each of lint's worker threads (cli-boot.ts).
// Compiling a 10 MB bundle (mostly the TypeScript compiler) took 150-700 ms of every start; with
// the code saved by an earlier start (which includes the functions its work compiled) it takes a
// fraction of that. The cache lives in the temp folder, keyed by the bundle's contents and the
// Node/V8 version; anything wrong with it (unreadable, rejected by V8) means a plain compile, and a
// failure to run from it at all falls back to an ordinary require, so it can only speed up a start.
// Its folder is private to the user (mode 0700, checked before every read).
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** Caches of other builds or Node versions untouched this long are removed when a new one is saved. */
const STALE_AFTER_MS = 30 * 24 * 3600 * 1000;
/**
 * How many caches of other builds of a bundle are kept when a new one is saved, the most recently
 * used: a few MB each, and a development loop makes a new build every few minutes.
 */
const KEPT_OTHER_CACHES = 3;

export interface CodeCacheOptions {
  /**
   * When to save a cache the bundle was compiled without: at the process's exit, and also this many
   * ms after the start for a long-lived process. `false`: never (a lint worker thread reads the
   * cache its main thread saves).
   */
  save: { afterMs?: number } | false;
}

/** The cache file's name starts with the bundle's name: `server-main-<key>.bin`, `cli-main-<key>.bin`. */
function prefixOf(bundle: string): string {
  return `${basename(bundle, '.js')}-`;
}

function cacheFileFor(bundle: string, source: Buffer): string {
  const key = createHash('sha1').update(source).update(`${process.version} ${process.versions.v8} ${process.arch}`).digest('hex');
  const uid = typeof process.getuid === 'function' ? process.getuid() : 'user';
  return join(tmpdir(), `evolve-code-cache-${uid}`, `${prefixOf(bundle)}${key}.bin`);
}

/**
 * The cache holds code this process will run, so it is read only from a folder nobody else can
 * write to: a directory (not a link) owned by this user, with no group or other access.
 */
function isPrivateFolder(dir: string, tighten = false): boolean {
  const stat = lstatSync(dir);
  if (!stat.isDirectory()) return false;
  if (typeof process.getuid !== 'function') return true; // Windows: the temp folder is per user
  if (stat.uid !== process.getuid()) return false;
  if ((stat.mode & 0o077) === 0) return true;
  // Ours but open to others (made by an older build, or a umask): close it (nobody else could write into it).
  if (!tighten) return false;
  chmodSync(dir, 0o700);
  return true;
}

function readCache(file: string): Buffer | undefined {
  try {
    return isPrivateFolder(dirname(file)) ? readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Each build leaves a cache of its own: beside the one just written, keep the few most recently used
 * (another installed version may still start) and drop the rest, and any unused for long.
 */
function removeStale(file: string, prefix: string): void {
  const dir = dirname(file);
  const others = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && join(dir, name) !== file)
    .map((name) => ({ path: join(dir, name), usedAt: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.usedAt - a.usedAt);
  others.forEach((other, i) => {
    if (i >= KEPT_OTHER_CACHES || Date.now() - other.usedAt > STALE_AFTER_MS) rmSync(other.path, { force: true });
  });
}

/** A cache in use is never stale: its modification time says when it was last used. */
function markUsed(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Only the stale-cache clean-up looks at it.
  }
}

/** Writes the code compiled so far, once; never throws (a read-only temp folder only costs speed). */
function saveLater(script: Script, file: string, prefix: string, afterMs: number | undefined): void {
  let saved = false;
  const save = () => {
    if (saved) return;
    saved = true;
    try {
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      if (!isPrivateFolder(dirname(file), true)) return;
      // Another process starting at the same time must never read half a file: write, then rename.
      const partial = `${file}.${process.pid}.tmp`;
      writeFileSync(partial, script.createCachedData());
      renameSync(partial, file);
      removeStale(file, prefix);
    } catch {
      // The next start compiles without the cache, as this one did.
    }
  };
  process.once('exit', save);
  if (afterMs !== undefined) setTimeout(save, afterMs).unref();
}

/** Runs the CommonJS bundle `file` (as `require(file)` would) through the code cache; returns its exports. */
export function loadBundle(file: string, options: CodeCacheOptions): unknown {
  let run: (() => unknown) | undefined;
  try {
    // Read as bytes, hashed as bytes: decoding 10 MB to a string and hashing the string (encoded back
    // to UTF-8) took 40-70 ms; an ASCII bundle (esbuild's default output) becomes a string cheaply.
    const bytes = readFileSync(file);
    const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
    const cacheFile = cacheFileFor(file, bytes);
    const cachedData = readCache(cacheFile);
    const script = new Script(Module.wrap(source), { filename: file, cachedData });
    if (!cachedData || script.cachedDataRejected) {
      if (options.save) saveLater(script, cacheFile, prefixOf(file), options.save.afterMs);
    } else markUsed(cacheFile);
    const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
    const module = new Module(file, require.main);
    module.filename = file;
    module.loaded = true;
    const localRequire = createRequire(file);
    run = () => {
      wrapper.call(module.exports, module.exports, localRequire, module, file, dirname(file));
      return module.exports;
    };
  } catch {
    run = undefined;
  }
  return run ? run() : require(file);
}
