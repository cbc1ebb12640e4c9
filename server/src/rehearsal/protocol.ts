// The one definition of the rehearsal channel between the engine (parent: language server or CLI)
// and the rehearsal child process that touches the database. The child writes one JSON event per
// line to fd 3; the parent writes commands, one JSON object per line, to the child's stdin.
// Both sides validate what they read: a malformed line is reported, never trusted.
import type { ProgressEvent } from '../../../runtime/src/progress-events';

export type SnapshotEngineName = 'sqlite' | 'pglite' | 'postgres';
/** How a PostgreSQL source was cloned into the scratch database. */
export type PgCloneMethod = 'template' | 'pg_dump' | 'copy';
export type RehearsalStatus = 'ok' | 'failed' | 'cancelled' | 'timeout';
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'transaction' | 'other';

/** What the parent asks the child to do: the first line on the child's stdin. */
export interface StartCommand {
  type: 'start';
  /** Absolute path of the script to rehearse. */
  script: string;
  /** The workspace: the child's cwd, and where drivers and the config are resolved first. */
  workspace: string;
  /** Evolve's own install (holds dist/ and node_modules/), the second place drivers resolve from. */
  evolveRoot: string;
  engine: SnapshotEngineName;
  /** Absolute path of the source database (SQLite file, PGlite data directory or PGlite dump), or its URL (postgres). */
  source: string;
  /** postgres: the server URL the scratch database is made on (default: the source's server). */
  target?: string;
  /** The source as shown to people (credentials removed). */
  sourceLabel: string;
  /** Private folder (0700) the child puts the bundle and the snapshot in. */
  workDir: string;
  /** Runner and transaction mode chosen from evolve.config.json for this file. */
  runner: { runner: string; transaction: string };
  /** Minimum Node major version the child accepts. */
  minNodeMajor: number;
  /** Keep the snapshot after the run (its path is then in the report). */
  keep: boolean;
  /** Resume check: the child SIGKILLs itself at this point (see resume-check.ts). */
  killAt?: KillPoint;
  /** Resume check: a kept snapshot to compare every table's content with after the script. */
  compareWith?: string;
  /** ETA: a SQLite production database to count rows in (read-only, before the script). */
  countSource?: string;
  /** Site load (`--site-load RATE`): drive a synthetic site workload on the snapshot while the script runs. */
  siteLoad?: SiteLoadOptions;
  /** Site load: the child's fd that is the engine's site-sample channel, handed down to the site process. */
  siteSampleFd?: number;
}

/** The synthetic site workload of `--site-load` (issue: predict the live-site impact). */
export interface SiteLoadOptions {
  /** Requests per second. */
  rate: number;
  /** Tables the site reads and writes; default: the tables the script touches (or the config's site.tables). */
  tables?: string[];
  /** Length of the baseline window measured before the script starts, in ms. */
  baselineMs: number;
  /** The application's timeouts: SQLite busy_timeout, PostgreSQL lock_timeout and statement_timeout (ms). */
  busyTimeoutMs: number;
  lockTimeoutMs: number;
  statementTimeoutMs: number;
  /** Share of requests that are writes (0..1). */
  writeRatio: number;
  /** A recorded workload: weighted SQL statements (absolute path of a JSON file). */
  workloadFile?: string;
  seed: number;
}

export type SiteFailureCause = 'conflict' | 'lock-timeout' | 'busy' | 'statement-timeout' | 'other';

/** Site requests over one window (the baseline before the script, or the run). */
export interface SiteWindowStats {
  durationMs: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  failures: Record<SiteFailureCause, number>;
  /** The longest time one site write waited (for a lock, or busy) before it finished or failed. */
  longestWriteWaitMs: number;
}

/** One interval of the site's latency, for the panel's chart (elapsedMs on the script's clock; negative in the baseline). */
export interface SiteSample {
  elapsedMs: number;
  requests: number;
  failures: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface SiteReport {
  rate: number;
  tables: string[];
  timeouts: { busyTimeoutMs: number; lockTimeoutMs: number; statementTimeoutMs: number };
  baseline: SiteWindowStats;
  run: SiteWindowStats;
  /** --max-site-p99-ms: the limit and whether the run's p99 exceeded it. */
  maxP99Ms: number | null;
  /** The site process (not the rehearsal child): its own connections to the snapshot. */
  pid?: number;
}

/** A production table's rows for the ETA, and how they were obtained. */
export interface ProductionCount {
  name: string;
  rows: number;
  counted: string;
}

/** Where a resume check kills a run: after the n-th committed batch or transaction, or n written rows. */
export interface KillPoint {
  unit: 'batch' | 'transaction' | 'row';
  n: number;
}

/** One table's content (order-independent hash) in the run's end state vs the reference's. */
export interface TableComparison {
  name: string;
  equal: boolean;
  rows: number | null;
  referenceRows: number | null;
  /** A few rows present on one side only (JSON objects), when the table differs. */
  exampleRows?: { side: 'resumed' | 'reference'; row: Record<string, unknown> }[];
}

export interface ResumeCheckResult {
  status: 'pass' | 'fail';
  seed: number;
  /** Each killed run: where it was meant to die and whether it got there (a run can end first). */
  killPoints: (KillPoint & { reached: boolean })[];
  tables: TableComparison[];
  /** Why the check could not compare (a run failed for another reason); null when it compared. */
  error: string | null;
}

export interface EtaEstimate {
  /** Estimated duration against the counted source, in ms; null when there is nothing to scale. */
  etaMs: number | null;
  basis: {
    tables: { name: string; rehearsalRows: number; productionRows: number; rowsPerSecond: number; counted: string }[];
    formula: string;
  };
  /** What the estimate is worth, in words: the measured error range and what it ignores. */
  error: string;
}

/** Sent later on stdin: finish the current batch and stop. */
export interface CancelCommand {
  type: 'cancel';
  reason: 'cancelled' | 'timeout';
}

/**
 * Sent instead of `start` to a fresh child, after a postgres rehearsal's child was killed before it
 * could clean up: drop its scratch database. The parent never loads a driver itself.
 */
export interface DropScratchCommand {
  type: 'drop-scratch';
  /** The server URL (with credentials) the scratch database is on. */
  server: string;
  database: string;
  workspace: string;
  evolveRoot: string;
}

export type ParentCommand = StartCommand | CancelCommand | DropScratchCommand;

export interface TransactionStats {
  count: number;
  commits: number;
  rollbacks: number;
  longestMs: number;
  p50Ms: number;
  openAtExit: number;
}

export interface TableCounts {
  name: string;
  rowsBefore: number | null;
  rowsAfter: number | null;
}

export interface RehearsalReport {
  status: RehearsalStatus;
  script: string;
  /** Time the script ran, from its start to its end (the snapshot copy is in snapshot.ms). */
  durationMs: number;
  /** rowsWritten per second of durationMs (0 when nothing was written). */
  rowsPerSecond: number;
  snapshot: {
    engine: SnapshotEngineName;
    source: string;
    bytes: number;
    ms: number;
    path: string | null;
    /** postgres: how the source was cloned (template, pg_dump or copy); null for the file engines. */
    method: PgCloneMethod | null;
  };
  rowsRead: number;
  rowsWritten: number;
  statements: Record<StatementKind, number> & { total: number };
  transactions: TransactionStats;
  /** Write statements that ran in autocommit mode, outside any transaction. */
  writesOutsideTransaction: number;
  /** Errors the database raised because of concurrent access (busy, lock, serialization, deadlock). */
  conflicts: number;
  /** Batch retries evolve-runtime reported. */
  retries: number;
  /** Batches evolve-runtime committed. */
  batches: number;
  tables: TableCounts[];
  /** postgres: lock waits (sampled from pg_locks) and the longest lock a transaction held; null elsewhere. */
  locks: LockStats | null;
  thresholds: { maxTransactionMs: number | null; exceeded: string[] };
  error: { message: string; stack?: string } | null;
  /** Set by `--resume-check K`. */
  resumeCheck?: ResumeCheckResult;
  /** Production duration estimated from this run's rate (eta.ts). */
  eta?: EtaEstimate;
  /** Set by `--site-load RATE`: what the simulated site felt. */
  site?: SiteReport;
}

export interface LockStats {
  /** Lock waits seen (a backend of the scratch database waiting on a lock), and their total and longest time. */
  waits: number;
  waitMs: number;
  longestWaitMs: number;
  /** Longest time a transaction held the locks of its first write (or DDL) until it ended. */
  longestHeldMs: number;
  /** How often pg_locks was sampled: waits shorter than this can be missed. */
  sampleMs: number;
}

export interface ProgressSnapshot {
  rowsRead: number;
  rowsWritten: number;
  statements: number;
  transactions: number;
  longestTransactionMs: number;
  /** How long the oldest transaction still open has been open; null when none is. */
  openTransactionMs: number | null;
  /** Set when evolve-runtime's eachBatch reported a total; else null. */
  batch: { name: string; batch: number; rows: number; total: number | null; etaMs: number | null } | null;
  /** Rows in the tables the script has written to (their counts before the run); null when none yet. */
  touchedRows: number | null;
  touchedTables: string[];
}

export type ChildEvent =
  | { type: 'started'; pid: number; node: string; script: string; heapLimitMb?: number }
  | { type: 'snapshot-ready'; engine: SnapshotEngineName; path: string; bytes: number; ms: number; databaseUrl: string }
  | { type: 'progress'; elapsedMs: number; progress: ProgressSnapshot; runtime?: ProgressEvent }
  | { type: 'transaction-closed'; ms: number; outcome: 'commit' | 'rollback'; index: number }
  | { type: 'log'; stream: 'stdout' | 'stderr' | 'script'; line: string }
  | { type: 'kill-point'; killAt: KillPoint }
  | { type: 'tables-compared'; tables: TableComparison[] }
  | { type: 'production-counts'; tables: ProductionCount[] }
  | { type: 'site-sample'; sample: SiteSample }
  | { type: 'finished'; report: RehearsalReport };

const EVENT_TYPES = new Set(['started', 'snapshot-ready', 'progress', 'transaction-closed', 'log', 'kill-point', 'tables-compared', 'production-counts', 'site-sample', 'finished']);

function parseObject(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The report of a run that ended before its child could report (refused before it started, killed,
 * crashed): nothing measured beyond the last progress seen, and the reason. Shared by the engine and
 * the editor's panel, so both describe such runs alike.
 */
export function reportWithoutRun(
  script: string,
  engine: SnapshotEngineName,
  sourceLabel: string,
  status: RehearsalStatus,
  message: string,
  progress: ProgressSnapshot | null = null,
): RehearsalReport {
  return {
    status,
    script,
    durationMs: 0,
    rowsPerSecond: 0,
    snapshot: { engine, source: sourceLabel, bytes: 0, ms: 0, path: null, method: null },
    rowsRead: progress?.rowsRead ?? 0,
    rowsWritten: progress?.rowsWritten ?? 0,
    statements: { select: 0, insert: 0, update: 0, delete: 0, ddl: 0, transaction: 0, other: 0, total: progress?.statements ?? 0 },
    transactions: { count: progress?.transactions ?? 0, commits: 0, rollbacks: 0, longestMs: progress?.longestTransactionMs ?? 0, p50Ms: 0, openAtExit: 0 },
    writesOutsideTransaction: 0,
    conflicts: 0,
    retries: 0,
    batches: 0,
    tables: [],
    locks: null,
    thresholds: { maxTransactionMs: null, exceeded: [] },
    error: { message },
  };
}

/** A child event from one NDJSON line, or null when the line is not one. */
export function parseChildEvent(line: string): ChildEvent | null {
  const value = parseObject(line);
  if (!value || typeof value.type !== 'string' || !EVENT_TYPES.has(value.type)) return null;
  if (value.type === 'finished' && (typeof value.report !== 'object' || value.report === null)) return null;
  return value as unknown as ChildEvent;
}

/** A parent command from one NDJSON line, or null when the line is not one. */
export function parseParentCommand(line: string): ParentCommand | null {
  const value = parseObject(line);
  if (value?.type === 'cancel') return { type: 'cancel', reason: value.reason === 'timeout' ? 'timeout' : 'cancelled' };
  if (value?.type === 'drop-scratch') {
    return ['server', 'database', 'workspace', 'evolveRoot'].every((k) => typeof value[k] === 'string') ? (value as unknown as DropScratchCommand) : null;
  }
  if (value?.type !== 'start') return null;
  const strings = ['script', 'workspace', 'evolveRoot', 'engine', 'source', 'sourceLabel', 'workDir'];
  if (!strings.every((k) => typeof value[k] === 'string')) return null;
  if (value.engine !== 'sqlite' && value.engine !== 'pglite' && value.engine !== 'postgres') return null;
  return value as unknown as StartCommand;
}

/** Removes the password (and any secret query parameters) from a connection URL for reports and logs. */
export function redactSource(source: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return source;
  try {
    const url = new URL(source);
    if (url.password) url.password = '***';
    for (const key of [...url.searchParams.keys()]) {
      if (/pass|secret|token|key/i.test(key)) url.searchParams.set(key, '***');
    }
    return url.toString();
  } catch {
    return source.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
