// What the driver wrappers record: statements, rows, transactions and conflicts, plus
// evolve-runtime's progress events. One tracer per child; the wrappers call it on every statement.
import { performance } from 'node:perf_hooks';
import type { ProgressEvent } from '../../../../runtime/src/progress-events';
import type { ProgressSnapshot, StatementKind, TransactionStats } from '../protocol';
import { sendEvent } from './channel';
import { isConflictError, type SqlInfo } from './sql-kind';

const PROGRESS_INTERVAL_MS = 200;
/** transaction-closed events per progress interval; the report still counts every transaction. */
const TRANSACTION_EVENTS_PER_INTERVAL = 50;

export class FenceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RehearsalFenceError';
  }
}

/** Where a connection keeps the start of its open transaction (null when none is open). */
export interface TransactionState {
  openedAt: number | null;
  /** When the open transaction began its first write or DDL: the locks it then holds until it ends. */
  lockedAt?: number | null;
}

export class Tracer {
  // Statements by kind, a field each: `counts[info.kind]++` on a record cost 50-80 ns a statement
  // (a keyed store), most of the tracing's cost on a fast UPDATE (about 600 ns in SQLite).
  private selects = 0;
  private inserts = 0;
  private updates = 0;
  private deletes = 0;
  private ddls = 0;
  private transactionStatements = 0;
  private others = 0;
  rowsRead = 0;
  rowsWritten = 0;
  writesOutsideTransaction = 0;
  conflicts = 0;
  retries = 0;
  batches = 0;
  commits = 0;
  rollbacks = 0;
  readonly durations: number[] = [];
  /** Longest time a transaction held the locks of its first write (set by the pg tracing only). */
  longestLockHeldMs = 0;
  readonly touchedTables = new Set<string>();
  /** The first fence violation: the run fails with it even when the script catches the error. */
  fenceViolation: FenceError | null = null;
  /** Set by the child while it counts rows itself, so its own queries are not reported. */
  internal = 0;

  private readonly open = new Set<TransactionState>();
  private lastRuntimeEvent: ProgressEvent | undefined;
  private lastProgressAt = 0;
  private sinceClockCheck = 0;
  private lastDurationCount = 0;
  private transactionEventsThisInterval = 0;
  private readonly startedAt = performance.now();

  constructor(
    private readonly tableRowsBefore: Map<string, number>,
    private readonly hooks: {
      /** Called on each progress tick, e.g. to check that the parent is still alive. */
      onTick(): void;
      /** Called on the first fence violation, to stop the run even if the script catches the error. */
      onFence(error: FenceError): void;
    },
  ) {}

  get tracing(): boolean {
    return this.internal === 0;
  }

  statement(info: SqlInfo, rowsRead: number, rowsWritten: number, inTransaction: boolean): void {
    switch (info.kind) {
      case 'update':
        this.updates++;
        break;
      case 'select':
        this.selects++;
        break;
      case 'insert':
        this.inserts++;
        break;
      case 'delete':
        this.deletes++;
        break;
      case 'transaction':
        this.transactionStatements++;
        break;
      case 'ddl':
        this.ddls++;
        break;
      default:
        this.others++;
    }
    this.rowsRead += rowsRead;
    if (rowsWritten > 0 || info.write) {
      this.rowsWritten += rowsWritten;
      if (!inTransaction) this.writesOutsideTransaction++;
      // Once per distinct statement text, not once per row: the info object is cached per text.
      if (info.table && !info.touched) {
        info.touched = true;
        this.touchedTables.add(info.table);
      }
    }
    this.maybeSendProgress();
  }

  /** A transaction began on a connection; its state object is the connection's, shared by the drivers. */
  transactionOpened(state: TransactionState): void {
    state.openedAt = performance.now();
    this.open.add(state);
  }

  transactionClosed(state: TransactionState, outcome: 'commit' | 'rollback'): void {
    if (state.openedAt === null) return;
    const now = performance.now();
    const ms = now - state.openedAt;
    if (state.lockedAt != null) this.longestLockHeldMs = Math.max(this.longestLockHeldMs, now - state.lockedAt);
    state.openedAt = null;
    state.lockedAt = null;
    this.open.delete(state);
    this.durations.push(ms);
    if (outcome === 'commit') this.commits++;
    else this.rollbacks++;
    if (this.transactionEventsThisInterval++ < TRANSACTION_EVENTS_PER_INTERVAL) {
      sendEvent({ type: 'transaction-closed', ms, outcome, index: this.durations.length });
    }
    this.maybeSendProgress();
  }

  /** A driver error: counted as a conflict when the database refused because of concurrent work. */
  driverError(error: unknown): void {
    if (isConflictError(error)) this.conflicts++;
  }

  fence(message: string): FenceError {
    const error = new FenceError(message);
    if (!this.fenceViolation) {
      this.fenceViolation = error;
      this.hooks.onFence(error);
    }
    return error;
  }

  runtimeEvent(event: ProgressEvent): void {
    if (event.type === 'batch') this.batches++;
    if (event.type === 'retry') this.retries++;
    this.lastRuntimeEvent = event;
    this.sendProgress();
  }

  transactionStats(openAtExit: number): TransactionStats {
    const sorted = [...this.durations].sort((a, b) => a - b);
    const p50 = sorted.length === 0 ? 0 : sorted[Math.floor((sorted.length - 1) / 2)];
    return {
      count: this.durations.length + openAtExit,
      commits: this.commits,
      rollbacks: this.rollbacks,
      longestMs: round(sorted.at(-1) ?? 0),
      p50Ms: round(p50),
      openAtExit,
    };
  }

  get statements(): Record<StatementKind, number> {
    return { select: this.selects, insert: this.inserts, update: this.updates, delete: this.deletes, ddl: this.ddls, transaction: this.transactionStatements, other: this.others };
  }

  statementCount(): number {
    return this.selects + this.inserts + this.updates + this.deletes + this.ddls + this.transactionStatements + this.others;
  }

  progress(): ProgressSnapshot {
    const touched = [...this.touchedTables];
    const known = touched.filter((t) => this.tableRowsBefore.has(t));
    const batchEvent = this.lastRuntimeEvent;
    return {
      rowsRead: this.rowsRead,
      rowsWritten: this.rowsWritten,
      statements: this.statementCount(),
      transactions: this.durations.length,
      longestTransactionMs: round(Math.max(0, ...this.durations)),
      openTransactionMs: this.open.size === 0 ? null : round(performance.now() - Math.min(...[...this.open].map((s) => s.openedAt ?? Infinity))),
      batch:
        batchEvent?.type === 'batch'
          ? { name: batchEvent.name, batch: batchEvent.batch, rows: batchEvent.rows, total: batchEvent.total, etaMs: batchEvent.etaMs }
          : null,
      touchedRows: known.length > 0 ? known.reduce((sum, t) => sum + (this.tableRowsBefore.get(t) ?? 0), 0) : null,
      touchedTables: touched,
    };
  }

  sendProgress(): void {
    this.lastProgressAt = performance.now();
    this.transactionEventsThisInterval = 0;
    sendEvent({ type: 'progress', elapsedMs: round(this.lastProgressAt - this.startedAt), progress: this.progress(), runtime: this.lastRuntimeEvent });
  }

  maybeSendProgress(): void {
    // Reading the clock on every statement would cost more than the rest of the tracing.
    if ((++this.sinceClockCheck & 63) !== 0 && this.durations.length === this.lastDurationCount) return;
    this.lastDurationCount = this.durations.length;
    if (performance.now() - this.lastProgressAt < PROGRESS_INTERVAL_MS) return;
    this.hooks.onTick();
    this.sendProgress();
  }
}

export function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
