// Spreads `evolve lint` over worker threads. Each file's analysis is independent (helpers in other
// files are parsed per analysis), so the main thread and the workers alike claim the next few files
// of the list from a shared counter, and the results are put back in the files' order: the output
// is the same as a single thread's, only sooner on a machine with more than one core.
// No thread hands out work: a worker that had to ask the main thread for its next chunk waited
// until the main thread finished its own chunk and looked at its messages (a third of the worker's
// time on 2 cores). The workers' results queue up until the main thread has done its share.
// A worker runs dist/cli.js like the main thread, with `workerData` naming this role (see cli.ts).
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Analyzer, diskHost } from '../core/analyzer';
import type { EvolveConfig } from '../core/config';
import { loadConfig } from '../core/config-file';
import { lintResultOf, type LintFileResult } from './formatters';

export const LINT_WORKER = 'evolveLintWorker';

/** Files a thread claims at a time: few, so that the threads finish together. */
const CHUNK = 2;
/** Below this many files a worker costs more than it saves: its start (~0.1 s of CPU with the code cache) and its own JIT warm-up. */
const MIN_FILES_PER_WORKER = 40;
/** More threads than this gain little: the results and the output are still one thread's work. */
const MAX_THREADS = 4;

export interface WorkerInit {
  cwd: string;
  /** The --config file, when given: the worker loads the same configuration the main thread did. */
  config?: string;
}

interface WorkerData extends WorkerInit {
  files: string[];
  /** One Int32: the index of the first file no thread has claimed yet. */
  next: SharedArrayBuffer;
}

interface Reply {
  start: number;
  results: LintFileResult[];
}

/**
 * One analysis thread per CPU but one, up to MAX_THREADS. V8 compiles the hot code (TypeScript's
 * parser, the rules) and collects garbage on threads of its own, about half as much CPU again as the
 * analysis itself, and each worker compiles everything anew: on 2 CPUs a second analysis thread made
 * `evolve lint` over 1,000 scripts 12% slower (1.48 s against 1.33 s), the spare CPU being V8's.
 */
export function defaultThreads(cpus = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_THREADS, cpus - 1));
}

/** Claims chunks of `files` from the shared counter until none is left, analysing each with `analyze`. */
function claimChunks(files: string[], next: Int32Array, analyze: (start: number, files: string[]) => void): void {
  for (let start = Atomics.add(next, 0, CHUNK); start < files.length; start = Atomics.add(next, 0, CHUNK)) {
    analyze(start, files.slice(start, start + CHUNK));
  }
}

export interface AnalyzeOptions {
  threads: number;
  /** The script a worker runs (dist/cli.js); without it (the CLI run from sources) everything runs on the main thread. */
  workerScript?: string;
  init: WorkerInit;
  /** false: the workers analyse every file (tests use it to be sure the workers' results are the ones printed). */
  mainThreadAnalyses?: boolean;
}

/** Analyses `files` with up to `threads` threads, the main thread being one of them. */
export async function analyzeFiles(files: string[], config: EvolveConfig, options: AnalyzeOptions): Promise<LintFileResult[]> {
  const analyzer = new Analyzer(config, diskHost);
  const workerCount = Math.min(options.threads - 1, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (!options.workerScript || workerCount < 1) return files.map((f) => lintResultOf(analyzer.analyzeFile(f)));

  const results: (LintFileResult | undefined)[] = new Array(files.length);
  const next = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const data: WorkerData = { ...options.init, files, next: next.buffer as SharedArrayBuffer };
  const workers: Worker[] = [];
  const done = Array.from({ length: workerCount }, () => {
    const worker = new Worker(options.workerScript as string, { workerData: { [LINT_WORKER]: data } });
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: Reply) => reply.results.forEach((r, i) => (results[reply.start + i] = r)));
      worker.on('error', (error) => reject(new Error(`a lint worker thread failed: ${error.message}`)));
      // Node delivers a worker's last messages before its 'exit'.
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a lint worker thread exited with code ${code}`))));
    });
  });
  try {
    if (options.mainThreadAnalyses !== false) {
      claimChunks(files, next, (start, chunk) => chunk.forEach((f, i) => (results[start + i] = lintResultOf(analyzer.analyzeFile(f)))));
    }
    await Promise.all(done);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  const missing = results.findIndex((r) => r === undefined);
  if (missing >= 0) throw new Error(`no lint thread analysed ${files[missing]}`);
  return results as LintFileResult[];
}

/** The worker side: claims and analyses chunks until none is left, then ends. */
export function runLintWorker(): void {
  const data = (workerData as Record<string, WorkerData>)[LINT_WORKER];
  const port = parentPort;
  if (!port) throw new Error('runLintWorker must run in a worker thread');
  const analyzer = new Analyzer(loadConfig(data.cwd, data.config), diskHost);
  claimChunks(data.files, new Int32Array(data.next), (start, chunk) => {
    const reply: Reply = { start, results: chunk.map((f) => lintResultOf(analyzer.analyzeFile(f))) };
    port.postMessage(reply);
  });
}
