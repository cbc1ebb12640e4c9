// The rehearsal engine's parent side, used by the language server and the CLI alike. It never
// loads a database driver: it resolves the snapshot, starts the child (the user's Node, the
// workspace as cwd), relays the child's events and guarantees cleanup on every exit path.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ConfigError, runnerFor, type EvolveConfig } from '../core/config';
import { loadConfig } from '../core/config-file';
import { parseChildEvent, reportWithoutRun, type ChildEvent, type KillPoint, type ProductionCount, type ProgressSnapshot, type RehearsalReport, type StartCommand } from './protocol';
import { boundedLines, LogLimiter } from './child-output';
import { etaForReport, productionCounts } from './eta';
import { redactJson } from './redact';
import { describeExit } from './exit-cause';
import { applySiteThreshold, resolveSiteLoad, type SiteLoadRequest } from './site-options';
import { dropLeftScratch } from './scratch-cleanup';
import { RehearsalConfigError, resolveSnapshot } from './snapshot-source';
import { createWorkDir, markKept, removeWorkDir, sweepLeftovers } from './workdir';

export const MIN_NODE_MAJOR = 20;
const DEFAULT_GRACE_MS = 5000;
const STDERR_TAIL_LINES = 20;
/** The child's fd for the site process's samples (fd 3 carries the child's own events). */
const SITE_SAMPLE_FD = 4;

export interface RehearsalOptions {
  /** The script, absolute or relative to the workspace. */
  script: string;
  workspace: string;
  /** --snapshot: a config name, a path or a URL (see snapshot-source.ts for the rule). */
  snapshot?: string;
  engine?: string;
  timeoutMs?: number;
  keep?: boolean;
  maxTransactionMs?: number;
  /** The Node that runs the child; default `node` on PATH. */
  nodePath?: string;
  /** Else the evolve.config.json nearest the script. */
  config?: EvolveConfig;
  /** Where the private work folders go (default: the OS temp folder). */
  tempRoot?: string;
  /** Time the script gets to finish its batch after a cancel, before the child is killed. */
  graceMs?: number;
  env?: NodeJS.ProcessEnv;
  /** Resume check (resume-check.ts): where the child kills itself, and the kept run to compare with. */
  killAt?: KillPoint;
  compareWith?: string;
  /** Production row counts by table, for the ETA, when production is bigger than the snapshot. */
  productionRows?: Map<string, number>;
  /** A SQLite production database to count rows in for the ETA (read-only). */
  productionSource?: string;
  /**
   * Site load: a synthetic site workload on its own connections to the snapshot while the script
   * runs (a rate in requests per second, or options; the rest from the config's rehearsal.site).
   */
  siteLoad?: number | SiteLoadRequest;
  /** Threshold: the site's p99 latency during the run, in ms (default: the config's rehearsal.site.maxP99Ms). */
  maxSiteP99Ms?: number;
}

export interface RehearsalRun {
  readonly workDir: string;
  readonly child: ChildProcess;
  /** Asks the script to stop after its current batch; kills the child after the grace period. */
  cancel(): void;
  /** Always resolves: failures are a report with status `failed`. */
  readonly done: Promise<RehearsalReport>;
}

/** Evolve's install: the folder with Evolve's package.json (holds dist/ and node_modules/). */
export function findEvolveRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'evolve-migrations') return dir;
      } catch {
        /* not ours: keep looking */
      }
    }
    if (dirname(dir) === dir) throw new Error(`Cannot find Evolve's install above ${from}.`);
  }
}

/** The evolve.config.json nearest the script (its snapshots, runners and rehearsal settings). */
function configFor(script: string): EvolveConfig {
  try {
    return loadConfig(dirname(script));
  } catch (error) {
    if (error instanceof ConfigError) throw new RehearsalConfigError(error.message);
    throw error;
  }
}

function applyThresholds(report: RehearsalReport, maxTransactionMs: number | undefined): RehearsalReport {
  if (maxTransactionMs === undefined) return report;
  const exceeded = report.transactions.longestMs > maxTransactionMs ? [`The longest transaction took ${report.transactions.longestMs} ms, over the ${maxTransactionMs} ms limit.`] : [];
  return { ...report, thresholds: { maxTransactionMs, exceeded } };
}

/**
 * Starts a rehearsal. Throws RehearsalConfigError (before anything starts) for a bad config,
 * script or snapshot argument; everything later ends in the report `done` resolves with.
 */
export function startRehearsal(options: RehearsalOptions, onEvent: (event: ChildEvent) => void = () => {}): RehearsalRun {
  const workspace = resolve(options.workspace);
  const script = resolve(workspace, options.script);
  if (!existsSync(script)) throw new RehearsalConfigError(`The script ${script} does not exist.`);
  const config = options.config ?? configFor(script);
  const snapshot = resolveSnapshot(options.snapshot, options.engine, config, workspace);
  const evolveRoot = findEvolveRoot();
  const childScript = join(evolveRoot, 'dist', 'rehearsal-child.js');
  if (!existsSync(childScript)) throw new RehearsalConfigError(`${childScript} is missing: build Evolve first (npm run build).`);
  const timeoutMs = options.timeoutMs ?? (config.rehearsal.timeoutSeconds ? config.rehearsal.timeoutSeconds * 1000 : undefined);
  const maxTransactionMs = options.maxTransactionMs ?? config.rehearsal.maxTransactionMs;
  const tempRoot = options.tempRoot ?? tmpdir();
  sweepLeftovers(tempRoot);
  const countSource = options.productionSource === undefined ? undefined : resolve(workspace, options.productionSource);
  if (countSource && !existsSync(countSource)) throw new RehearsalConfigError(`The production database ${countSource} (--production) does not exist.`);
  const siteLoad = resolveSiteLoad(options.siteLoad, config, snapshot.engine, workspace);
  const maxSiteP99Ms = options.maxSiteP99Ms ?? config.rehearsal.site?.maxP99Ms;
  const workDir = createWorkDir(tempRoot);
  const { runner, transaction } = runnerFor(config, script);
  const start: StartCommand = {
    type: 'start',
    script,
    workspace,
    evolveRoot,
    engine: snapshot.engine,
    source: snapshot.source,
    ...(snapshot.target ? { target: snapshot.target } : {}),
    sourceLabel: snapshot.label,
    workDir,
    runner: { runner, transaction },
    minNodeMajor: MIN_NODE_MAJOR,
    keep: options.keep === true,
    ...(options.killAt ? { killAt: options.killAt } : {}),
    ...(options.compareWith ? { compareWith: options.compareWith } : {}),
    ...(countSource ? { countSource } : {}),
    // The site process writes its chart samples to fd 4 itself: they flow while a synchronous script blocks the child.
    ...(siteLoad ? { siteLoad, siteSampleFd: SITE_SAMPLE_FD } : {}),
  };
  const nodePath = options.nodePath ?? 'node';
  // Its own process group, so a hard kill also ends anything the script started.
  const child = spawn(nodePath, [childScript], {
    cwd: workspace,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', siteLoad ? 'pipe' : 'ignore'],
    env: { ...process.env, ...options.env },
    detached: process.platform !== 'win32',
  });
  let report: RehearsalReport | null = null;
  let progress: ProgressSnapshot | null = null;
  let snapshotPath: string | null = null;
  let counted: ProductionCount[] = [];
  let stopReason: 'cancelled' | 'timeout' | null = null;
  let spawnError: Error | null = null;
  let killTimer: NodeJS.Timeout | undefined;
  let heapLimitMb: number | null = null;
  const stderrTail: string[] = [];
  // Every event passes here on its way to the CLI, the language server and the panel: a script
  // that prints DATABASE_URL must not show its password there.
  const emit = (event: ChildEvent) => {
    try {
      onEvent(redactJson(event));
    } catch {
      /* a listener's bug must not break the run or its cleanup */
    }
  };
  const logs = new LogLimiter(emit);

  if (siteLoad) {
    createInterface({ input: child.stdio[SITE_SAMPLE_FD] as Readable }).on('line', (line) => {
      const event = parseChildEvent(line);
      if (event?.type === 'site-sample') emit(event);
    });
  }
  createInterface({ input: child.stdio[3] as Readable }).on('line', (line) => {
    const event = parseChildEvent(line);
    if (!event) return emit({ type: 'log', stream: 'stderr', line: `evolve: ignored a malformed event from the rehearsal child: ${line.slice(0, 200)}` });
    if (event.type === 'finished') report = event.report;
    if (event.type === 'progress') progress = event.progress;
    if (event.type === 'snapshot-ready') snapshotPath = event.path;
    if (event.type === 'production-counts') counted = event.tables;
    if (event.type === 'started') heapLimitMb = event.heapLimitMb ?? null;
    if (event.type === 'log') return logs.log(event);
    emit(event);
  });
  for (const stream of ['stdout', 'stderr'] as const) {
    boundedLines(child[stream] as Readable, (line) => {
      if (stream === 'stderr') stderrTail.push(line) > STDERR_TAIL_LINES && stderrTail.shift();
      logs.log({ type: 'log', stream, line });
    });
  }
  child.on('error', (error) => (spawnError = error));
  (child.stdin as Writable).on('error', () => undefined);
  (child.stdin as Writable).write(JSON.stringify(start) + '\n');

  const kill = () => {
    try {
      if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
      else child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  };
  const stop = (reason: 'cancelled' | 'timeout') => {
    if (stopReason || child.exitCode !== null) return;
    stopReason = reason;
    (child.stdin as Writable).write(JSON.stringify({ type: 'cancel', reason }) + '\n');
    killTimer = setTimeout(kill, options.graceMs ?? DEFAULT_GRACE_MS);
  };
  const timeoutTimer = timeoutMs ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
  // Whatever ended the child (a crash, an OOM), nothing it started may outlive it: a process the
  // script spawned would also hold the output pipes open, and the run would never close.
  child.on('exit', kill);

  const done = new Promise<RehearsalReport>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      (child.stdin as Writable).destroy();
      logs.flush();
      const exit = { nodePath, minNodeMajor: MIN_NODE_MAJOR, spawnError, code, signal, stopReason, stderr: stderrTail, heapLimitMb };
      let final: RehearsalReport = report ?? reportWithoutRun(script, start.engine, start.sourceLabel, stopReason ?? 'failed', describeExit(exit), progress);
      if (report && stopReason && final.status === 'failed') final = { ...final, status: stopReason };
      // --keep keeps the snapshot of a child that died too: a resume check runs the next attempt on it.
      if (!report && options.keep && snapshotPath) final = { ...final, snapshot: { ...final.snapshot, path: snapshotPath } };
      const dropped = report || options.keep ? Promise.resolve() : dropLeftScratch(nodePath, childScript, start, snapshotPath);
      const cleanup = options.keep && final.snapshot.path ? Promise.resolve(markKept(workDir)) : dropped.then(() => removeWorkDir(workDir));
      const eta = etaForReport(final, progress?.touchedTables ?? [], productionCounts(counted, options.productionRows));
      void cleanup.then(() => resolveDone(redactJson(applySiteThreshold(applyThresholds({ ...final, eta }, maxTransactionMs), maxSiteP99Ms, siteLoad !== undefined))));
    });
  });
  return { workDir, child, cancel: () => stop('cancelled'), done };
}
