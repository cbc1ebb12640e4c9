// "Add evolve-runtime to this project": whether a script's folder resolves evolve-runtime, which
// package manager the project uses, installing with it (a child process, argument array, no shell),
// or vendoring the single-file build into a folder, with the batching rewrite's import pointing there.
// Editor-independent: the language server wires it (server/src/lsp/runtime-actions.ts), tests call it.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { CodeFix } from '../core/types';

export const RUNTIME_PACKAGE = 'evolve-runtime';
/** The vendored files: the single-file build of runtime/scripts/build.mjs and its types. */
export const VENDORED_FILES = ['evolve-runtime.js', 'evolve-runtime.d.ts'] as const;
/** The folder proposed for vendoring when the editor cannot ask the user (relative to the workspace). */
export const DEFAULT_VENDOR_FOLDER = join('vendor', 'evolve-runtime');

export type PackageManager = 'npm' | 'pnpm' | 'yarn';
const LOCK_FILES: [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['package-lock.json', 'npm'],
];

/** Whether Node resolves `evolve-runtime` from a script's folder (as the script itself would). */
export function resolvesRuntime(scriptDir: string): boolean {
  const require = createRequire(join(scriptDir, '__evolve_resolve__.js'));
  // package.json first (no build needed to be found); the bare name for copies whose exports omit it.
  return [`${RUNTIME_PACKAGE}/package.json`, RUNTIME_PACKAGE].some((request) => {
    try {
      require.resolve(request);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Project {
  /** The folder with the package.json nearest to the script. */
  dir: string;
  /** From the lock file next to package.json or above it (a monorepo's root); npm when there is none. */
  manager: PackageManager;
  lockFile?: string;
}

function isInside(dir: string, root: string): boolean {
  const rel = relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/** The script's project within `root`; undefined when no package.json lies between them. */
export function findProject(scriptDir: string, root: string): Project | undefined {
  let projectDir: string | undefined;
  for (let dir = scriptDir; isInside(dir, root); dir = dirname(dir)) {
    if (!projectDir && existsSync(join(dir, 'package.json'))) projectDir = dir;
    if (projectDir) {
      const lock = LOCK_FILES.find(([file]) => existsSync(join(dir, file)));
      if (lock) return { dir: projectDir, manager: lock[1], lockFile: join(dir, lock[0]) };
    }
    if (dir === dirname(dir) || dir === root) break;
  }
  return projectDir ? { dir: projectDir, manager: 'npm' } : undefined;
}

/** The package manager's arguments that add evolve-runtime as a dependency. */
export function installArgs(manager: PackageManager): string[] {
  return manager === 'npm' ? ['install', RUNTIME_PACKAGE] : ['add', RUNTIME_PACKAGE];
}

/** The arguments that ask the registry for the package (no install, nothing run). */
export function reachabilityArgs(manager: PackageManager): string[] {
  return manager === 'yarn' ? ['info', RUNTIME_PACKAGE, 'version'] : ['view', RUNTIME_PACKAGE, 'version'];
}

export interface RunResult {
  ok: boolean;
  output: string;
}

/** Runs a package manager with an argument array (never a shell); a missing executable is a failed run. */
export function runManager(manager: PackageManager, args: string[], cwd: string, timeoutMs: number, env = process.env): Promise<RunResult> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(manager, args, { cwd, env, shell: false, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ ok: false, output: `${manager} could not be started: ${err.message}` }));
    child.on('close', (code, signal) => resolve({ ok: code === 0, output: signal ? `${output}\n${manager} stopped after ${timeoutMs} ms (${signal})` : output }));
  });
}

/** Copies the single-file build and its types from `sourceDir` (the extension's dist/) into `target`. */
export function vendorRuntime(sourceDir: string, target: string): string[] {
  const missing = VENDORED_FILES.map((f) => join(sourceDir, f)).filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`The evolve-runtime build to vendor is missing (${missing.join(', ')}): rebuild Evolve (npm run build) or reinstall the extension.`);
  mkdirSync(target, { recursive: true });
  return VENDORED_FILES.map((f) => {
    copyFileSync(join(sourceDir, f), join(target, f));
    return join(target, f);
  });
}

/** Whether `folder` holds a vendored copy. */
export function isVendored(folder: string): boolean {
  return VENDORED_FILES.every((f) => existsSync(join(folder, f)));
}

/** The import specifier of a vendored copy as seen from a script's folder (always relative, `/`-separated). */
export function vendoredSpecifier(scriptDir: string, vendorFolder: string): string {
  const rel = relative(scriptDir, join(vendorFolder, VENDORED_FILES[0])).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The batching rewrite with its evolve-runtime import (the `import ... from 'evolve-runtime'` or
 * `require('evolve-runtime')` that core/fixes/batching/imports.ts writes) pointing at `specifier`.
 */
export function withRuntimeImport(fix: CodeFix, specifier: string): CodeFix {
  const quoted = new RegExp(`(from |require\\()'${RUNTIME_PACKAGE}'`, 'g');
  return { ...fix, edits: fix.edits.map((e) => ({ ...e, newText: e.newText.replace(quoted, `$1'${specifier}'`) })) };
}
