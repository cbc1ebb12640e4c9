// Spreads `evolve lint` over worker threads. Each file's analysis is independent (helpers in other
// files are parsed per analysis), so the files are handed out in small chunks to workers and to the
// main thread alike, and the results are put back in the files' order: the output is the same as a
// single thread's, only sooner on a machine with more than one core.
// A worker is the CLI bundle itself, started with `workerData` naming this role (see cli.ts).
import { availableParallelism } from 'node:os';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Analyzer, diskHost } from '../core/analyzer';
import type { EvolveConfig } from '../core/config';
import { loadConfig } from '../core/config-file';
import type { FileResult } from '../core/types';

export const LINT_WORKER = 'evolveLintWorker';

/** Files per request: small enough to balance the threads, large enough to keep messages rare. */
const CHUNK = 8;
/** Below this many files a worker's start (loading the compiler, ~0.3 s) costs more than it saves. */
const MIN_FILES_PER_WORKER = 40;
/** More threads than this gain little: the results and the output are still one thread's work. */
const MAX_THREADS = 4;

export interface WorkerInit {
  cwd: string;
  /** The --config file, when given: the worker loads the same configuration the main thread did. */
  config?: string;
}

type Request = { start: number; files: string[] } | null;
interface Reply {
  start: number;
  results: FileResult[];
}

export function defaultThreads(): number {
  return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
}

/**
 * Analyses `files` with up to `threads` threads (the main thread is one of them). `workerScript`
 * is the CLI bundle; without it (the CLI run from sources) everything runs on the main thread.
 */
export async function analyzeFiles(files: string[], config: EvolveConfig, options: { threads: number; workerScript?: string; init: WorkerInit }): Promise<FileResult[]> {
  const analyzer = new Analyzer(config, diskHost);
  const workerCount = Math.min(options.threads - 1, Math.floor(files.length / MIN_FILES_PER_WORKER));
  if (!options.workerScript || workerCount < 1) return files.map((f) => analyzer.analyzeFile(f));

  const results: FileResult[] = new Array(files.length);
  let next = 0;
  const take = (): Request => {
    if (next >= files.length) return null;
    const start = next;
    next = Math.min(files.length, next + CHUNK);
    return { start, files: files.slice(start, next) };
  };
  const workers: Worker[] = [];
  const done = Array.from({ length: workerCount }, () => {
    const worker = new Worker(options.workerScript as string, { workerData: { [LINT_WORKER]: options.init } });
    workers.push(worker);
    return new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: Reply) => {
        reply.results.forEach((r, i) => (results[reply.start + i] = r));
        worker.postMessage(take());
      });
      worker.on('error', (error) => reject(new Error(`a lint worker thread failed: ${error.message}`)));
      worker.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`a lint worker thread exited with code ${code}`))));
      worker.postMessage(take());
    });
  });
  try {
    for (let request = take(); request; request = take()) {
      request.files.forEach((f, i) => (results[(request as { start: number }).start + i] = analyzer.analyzeFile(f)));
      // Lets the workers' replies in, so they get their next chunk while this thread works.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(done);
  } finally {
    for (const worker of workers) void worker.terminate();
  }
  return results;
}

/** The worker side: analyses the chunks it is sent until it is sent `null`. */
export function runLintWorker(): void {
  const init = (workerData as Record<string, WorkerInit>)[LINT_WORKER];
  const port = parentPort;
  if (!port) throw new Error('runLintWorker must run in a worker thread');
  const analyzer = new Analyzer(loadConfig(init.cwd, init.config), diskHost);
  port.on('message', (request: Request) => {
    if (!request) {
      port.close();
      return;
    }
    const reply: Reply = { start: request.start, results: request.files.map((f) => analyzer.analyzeFile(f)) };
    port.postMessage(reply);
  });
}
