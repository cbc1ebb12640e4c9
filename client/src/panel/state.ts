// The rehearsal panel's view model: a pure fold of the run's events (evolve/rehearsalEvent) and its
// final report. The webview draws from it; the extension keeps the same fold for each run, so a
// panel that is hidden, reloaded or reopened gets the whole picture back in one `state` message
// without replaying (or keeping) every event. Every list is bounded: a run of a million batches
// costs the same memory as one of a thousand. Plain JSON only (it goes through postMessage and setState).
import type { RehearsalEventParams } from '../../../server/src/lsp/protocol';
import type { KillPoint, RehearsalReport, SiteSample, TableComparison } from '../../../server/src/rehearsal/protocol';

/** Most points of the throughput series: past this, neighbours are merged (half the resolution). */
export const MAX_THROUGHPUT_POINTS = 400;
/** Most transactions drawn: past this, the shortest are dropped (the long ones are what matters). */
export const MAX_TRANSACTIONS = 1000;
export const MAX_LOG_LINES = 300;
export const MAX_SITE_SAMPLES = 600;
const MAX_LOG_LINE_CHARS = 2000;

export type RunPhase = 'starting' | 'copying' | 'running' | 'finished';

export interface ThroughputPoint {
  /** End of the interval, on the run's clock (RehearsalEventParams.atMs: a resume check's children share it). */
  atMs: number;
  /** Rows written (and read) per second over the interval that ends here. */
  writtenPerSecond: number;
  readPerSecond: number;
}

export interface TransactionMark {
  index: number;
  /** When it ended, on the run's clock (RehearsalEventParams.atMs). */
  endAtMs: number;
  ms: number;
  outcome: 'commit' | 'rollback';
}

export interface ProgressView {
  /** Rows written so far, or rows done of evolve-runtime's total when it reported one. */
  rows: number;
  /** Known only when eachBatch was given a count; otherwise the bar is indeterminate. */
  total: number | null;
  /** 0..1, or null when the total is unknown (never guessed). */
  fraction: number | null;
  etaMs: number | null;
  elapsedMs: number;
  rowsRead: number;
  rowsWritten: number;
  /** Rows in the tables written so far (before the run): context, not a total. */
  touchedRows: number | null;
  touchedTables: string[];
}

export interface Counters {
  batches: number;
  commits: number;
  rollbacks: number;
  retries: number;
  /** Known from the report only (the child counts them as they fail). */
  conflicts: number | null;
  longestTransactionMs: number;
  /** How long the oldest open transaction has been open, while the script runs. */
  openTransactionMs: number | null;
  /** Known from the report only. */
  writesOutsideTransactions: number | null;
  transactions: number;
}

export interface LogLine {
  stream: 'stdout' | 'stderr' | 'script';
  line: string;
}

export interface RunView {
  phase: RunPhase;
  /** Child processes started (a resume check starts one per attempt). */
  attempts: number;
  node: string | null;
  snapshot: { engine: string; bytes: number; ms: number } | null;
  progress: ProgressView;
  counters: Counters;
  /** Per eachBatch name: the highest batch number seen in this attempt, and in the attempts before it. */
  batchesByName: Record<string, number>;
  batchesBefore: number;
  throughput: ThroughputPoint[];
  /** atMs minus the script's own elapsedMs: puts site samples (script clock) on the run's clock (null until known). */
  clockOffsetMs: number | null;
  transactions: TransactionMark[];
  /** Transactions not in `transactions` (dropped as the shortest once the list was full). */
  transactionsOmitted: number;
  log: LogLine[];
  logDropped: number;
  site: SiteSample[];
  killPoints: KillPoint[];
  tablesCompared: TableComparison[] | null;
  productionCounts: { name: string; rows: number; counted: string }[] | null;
  report: RehearsalReport | null;
  /** Last progress sample of this child (its own clock), for the next throughput interval. */
  lastSample: { elapsedMs: number; rowsWritten: number; rowsRead: number } | null;
}

export function initialView(): RunView {
  return {
    phase: 'starting',
    attempts: 0,
    node: null,
    snapshot: null,
    progress: { rows: 0, total: null, fraction: null, etaMs: null, elapsedMs: 0, rowsRead: 0, rowsWritten: 0, touchedRows: null, touchedTables: [] },
    counters: { batches: 0, commits: 0, rollbacks: 0, retries: 0, conflicts: null, longestTransactionMs: 0, openTransactionMs: null, writesOutsideTransactions: null, transactions: 0 },
    batchesByName: {},
    batchesBefore: 0,
    throughput: [],
    clockOffsetMs: null,
    transactions: [],
    transactionsOmitted: 0,
    log: [],
    logDropped: 0,
    site: [],
    killPoints: [],
    tablesCompared: null,
    productionCounts: null,
    report: null,
    lastSample: null,
  };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Folds one event into the view (returns a new view; the old one is left as it was). */
export function reduceEvent(view: RunView, params: RehearsalEventParams): RunView {
  const { event, atMs } = params;
  switch (event.type) {
    case 'started':
      return {
        ...view,
        phase: view.phase === 'finished' ? view.phase : 'copying',
        attempts: view.attempts + 1,
        node: event.node,
        // A new child counts from zero: keep what the earlier attempts did, start the next interval afresh.
        batchesBefore: view.batchesBefore + sum(Object.values(view.batchesByName)),
        batchesByName: {},
        lastSample: null,
        // Each child reports its own progress (a resume check's reruns start over).
        progress: initialView().progress,
      };
    case 'snapshot-ready':
      return { ...view, phase: view.phase === 'finished' ? view.phase : 'running', snapshot: { engine: event.engine, bytes: event.bytes, ms: event.ms } };
    case 'progress':
      return reduceProgress(view, params as RehearsalEventParams & { event: { type: 'progress' } });
    case 'transaction-closed':
      return reduceTransaction(view, { index: event.index, endAtMs: atMs, ms: event.ms, outcome: event.outcome });
    case 'log':
      return appendLog(view, { stream: event.stream, line: event.line.length > MAX_LOG_LINE_CHARS ? `${event.line.slice(0, MAX_LOG_LINE_CHARS)}…` : event.line });
    case 'kill-point':
      return { ...view, killPoints: [...view.killPoints, event.killAt] };
    case 'tables-compared':
      return { ...view, tablesCompared: event.tables };
    case 'production-counts':
      return { ...view, productionCounts: event.tables };
    case 'site-sample': {
      const site = [...view.site, event.sample];
      return { ...view, site: site.length > MAX_SITE_SAMPLES ? mergeSiteSamples(site) : site };
    }
    default:
      // 'finished' is one child's report: a resume check runs several children, and the engine's
      // final report (with the ETA and thresholds) comes in evolve/rehearsalFinished (reduceReport).
      return view;
  }
}

function reduceProgress(view: RunView, params: RehearsalEventParams & { event: { type: 'progress' } }): RunView {
  const { progress: snapshot, elapsedMs, runtime } = params.event;
  const offset = params.atMs - elapsedMs;
  // Relaying only ever adds delay, so the smallest difference is the closest to the true offset.
  const clockOffsetMs = view.clockOffsetMs === null ? offset : Math.min(view.clockOffsetMs, offset);
  const batch = snapshot.batch;
  const batchesByName = batch ? { ...view.batchesByName, [batch.name]: Math.max(view.batchesByName[batch.name] ?? 0, batch.batch) } : view.batchesByName;
  // After eachBatch ends (its last event is 'end', not a batch) the total it reported still holds.
  const kept = !batch && view.progress.total !== null;
  const total = kept ? view.progress.total : (batch?.total ?? null);
  const rows = kept ? view.progress.rows : batch && total !== null ? batch.rows : snapshot.rowsWritten;
  const retries = runtime && (runtime.type === 'batch' || runtime.type === 'end') ? Math.max(view.counters.retries, runtime.retries) : view.counters.retries;

  let throughput = view.throughput;
  const last = view.lastSample;
  if (last && elapsedMs > last.elapsedMs && snapshot.rowsWritten >= last.rowsWritten) {
    // The rate from the child's clock (exact), placed on the run's clock (what the chart's axis is).
    const seconds = (elapsedMs - last.elapsedMs) / 1000;
    throughput = [...throughput, { atMs: params.atMs, writtenPerSecond: (snapshot.rowsWritten - last.rowsWritten) / seconds, readPerSecond: Math.max(0, snapshot.rowsRead - last.rowsRead) / seconds }];
    if (throughput.length > MAX_THROUGHPUT_POINTS) throughput = mergeThroughput(throughput);
  }
  return {
    ...view,
    phase: view.phase === 'finished' ? view.phase : 'running',
    clockOffsetMs,
    batchesByName,
    throughput,
    lastSample: { elapsedMs, rowsWritten: snapshot.rowsWritten, rowsRead: snapshot.rowsRead },
    progress: {
      rows,
      total,
      fraction: total !== null && total > 0 ? Math.min(1, rows / total) : total === 0 ? 1 : null,
      etaMs: total !== null && batch ? batch.etaMs : null,
      elapsedMs,
      rowsRead: snapshot.rowsRead,
      rowsWritten: snapshot.rowsWritten,
      touchedRows: snapshot.touchedRows,
      touchedTables: snapshot.touchedTables,
    },
    counters: {
      ...view.counters,
      batches: view.batchesBefore + sum(Object.values(batchesByName)),
      retries,
      longestTransactionMs: Math.max(view.counters.longestTransactionMs, snapshot.longestTransactionMs),
      openTransactionMs: snapshot.openTransactionMs,
    },
  };
}

function reduceTransaction(view: RunView, mark: TransactionMark): RunView {
  const counters = {
    ...view.counters,
    transactions: view.counters.transactions + 1,
    commits: view.counters.commits + (mark.outcome === 'commit' ? 1 : 0),
    rollbacks: view.counters.rollbacks + (mark.outcome === 'rollback' ? 1 : 0),
    longestTransactionMs: Math.max(view.counters.longestTransactionMs, mark.ms),
  };
  let transactions = [...view.transactions, mark];
  let omitted = view.transactionsOmitted;
  if (transactions.length > MAX_TRANSACTIONS) {
    let shortest = 0;
    for (let i = 1; i < transactions.length; i++) if (transactions[i].ms < transactions[shortest].ms) shortest = i;
    transactions.splice(shortest, 1);
    omitted++;
  }
  return { ...view, counters, transactions, transactionsOmitted: omitted };
}

function appendLog(view: RunView, line: LogLine): RunView {
  const log = [...view.log, line];
  const over = log.length - MAX_LOG_LINES;
  return over > 0 ? { ...view, log: log.slice(over), logDropped: view.logDropped + over } : { ...view, log };
}

/** The run is over: the report's figures are the final word on every counter. */
export function reduceReport(view: RunView, report: RehearsalReport): RunView {
  return {
    ...view,
    phase: 'finished',
    report,
    counters: {
      ...view.counters,
      batches: Math.max(report.batches, view.counters.batches),
      commits: report.transactions.commits,
      rollbacks: report.transactions.rollbacks,
      retries: report.retries,
      conflicts: report.conflicts,
      longestTransactionMs: report.transactions.longestMs,
      openTransactionMs: null,
      writesOutsideTransactions: report.writesOutsideTransaction,
      transactions: report.transactions.count,
    },
    progress: {
      ...view.progress,
      rowsRead: report.rowsRead,
      rowsWritten: report.rowsWritten,
      elapsedMs: report.durationMs,
      etaMs: report.status === 'ok' ? 0 : view.progress.etaMs,
      // A run that ended well is done, whatever its total said; one that failed stays where it stopped.
      fraction: report.status === 'ok' ? 1 : view.progress.fraction,
    },
  };
}

export function foldEvents(events: RehearsalEventParams[], view: RunView = initialView()): RunView {
  return events.reduce(reduceEvent, view);
}

/** Halves the series' resolution: each pair of neighbours becomes their time-weighted mean. */
function mergeThroughput(points: ThroughputPoint[]): ThroughputPoint[] {
  const merged: ThroughputPoint[] = [];
  let previousEnd = 0;
  for (let i = 0; i < points.length; i += 2) {
    const a = points[i];
    const b = points[i + 1];
    if (!b) {
      merged.push(a);
      break;
    }
    const wa = Math.max(0, a.atMs - previousEnd);
    const wb = Math.max(0, b.atMs - a.atMs);
    const w = wa + wb || 1;
    merged.push({ atMs: b.atMs, writtenPerSecond: (a.writtenPerSecond * wa + b.writtenPerSecond * wb) / w, readPerSecond: (a.readPerSecond * wa + b.readPerSecond * wb) / w });
    previousEnd = b.atMs;
  }
  return merged;
}

/** Halves the site series: the worst of each pair (a chart of p99 must not hide a spike). */
function mergeSiteSamples(samples: SiteSample[]): SiteSample[] {
  const merged: SiteSample[] = [];
  for (let i = 0; i < samples.length; i += 2) {
    const a = samples[i];
    const b = samples[i + 1];
    merged.push(
      b
        ? { elapsedMs: b.elapsedMs, requests: a.requests + b.requests, failures: a.failures + b.failures, p50Ms: Math.max(a.p50Ms, b.p50Ms), p99Ms: Math.max(a.p99Ms, b.p99Ms), maxMs: Math.max(a.maxMs, b.maxMs) }
        : a,
    );
  }
  return merged;
}

/** A site sample's time (the script's clock) on the run's clock, which the chart's axis uses. */
export function siteSampleAtMs(view: RunView, sample: SiteSample): number {
  return sample.elapsedMs + (view.clockOffsetMs ?? 0);
}
