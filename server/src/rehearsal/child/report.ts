// Builds the report the child sends in its `finished` event.
import type { LockStats, PgCloneMethod, RehearsalReport, RehearsalStatus, SnapshotEngineName, TableCounts } from '../protocol';
import { round, type Tracer } from './tracer';

export interface ReportInput {
  status: RehearsalStatus;
  script: string;
  engine: SnapshotEngineName;
  sourceLabel: string;
  snapshot: { path: string; bytes: number; ms: number; method?: PgCloneMethod } | null;
  locks: LockStats | null;
  keep: boolean;
  durationMs: number;
  tracer: Tracer | null;
  openAtExit: number;
  before: Map<string, number>;
  after: Map<string, number> | null;
  error: unknown;
}

/** The error's stack without the frames of Evolve's own child code, which mean nothing to the user. */
export function userStack(error: Error, ownFile: string): string | undefined {
  return error.stack
    ?.split('\n')
    .filter((line) => !line.includes(ownFile))
    .join('\n');
}

export function describeError(error: unknown, ownFile: string): RehearsalReport['error'] {
  if (error === undefined || error === null) return null;
  if (error instanceof Error) {
    const noStack = error.name === 'ScriptBuildError' || error.name === 'RehearsalFenceError' || error.name === 'RehearsalSetupError';
    return { message: error.message, ...(noStack ? {} : { stack: userStack(error, ownFile) }) };
  }
  return { message: `The script threw a non-Error value: ${String(error)}` };
}

function tableCounts(before: Map<string, number>, after: Map<string, number> | null): TableCounts[] {
  const names = new Set([...before.keys(), ...(after?.keys() ?? [])]);
  return [...names].sort().map((name) => ({ name, rowsBefore: before.get(name) ?? null, rowsAfter: after?.get(name) ?? null }));
}

export function buildReport(input: ReportInput, ownFile: string): RehearsalReport {
  const t = input.tracer;
  const rowsWritten = t?.rowsWritten ?? 0;
  const statements = { select: 0, insert: 0, update: 0, delete: 0, ddl: 0, transaction: 0, other: 0, ...t?.statements };
  return {
    status: input.status,
    script: input.script,
    durationMs: round(input.durationMs),
    rowsPerSecond: input.durationMs > 0 ? Math.round((rowsWritten * 1000) / input.durationMs) : 0,
    snapshot: {
      engine: input.engine,
      source: input.sourceLabel,
      bytes: input.snapshot?.bytes ?? 0,
      ms: round(input.snapshot?.ms ?? 0),
      path: input.keep ? (input.snapshot?.path ?? null) : null,
      method: input.snapshot?.method ?? null,
    },
    rowsRead: t?.rowsRead ?? 0,
    rowsWritten,
    statements: { ...statements, total: Object.values(statements).reduce((a, b) => a + b, 0) },
    transactions: t ? t.transactionStats(input.openAtExit) : { count: 0, commits: 0, rollbacks: 0, longestMs: 0, p50Ms: 0, openAtExit: 0 },
    writesOutsideTransaction: t?.writesOutsideTransaction ?? 0,
    conflicts: t?.conflicts ?? 0,
    retries: t?.retries ?? 0,
    batches: t?.batches ?? 0,
    tables: tableCounts(input.before, input.after),
    locks: input.locks,
    thresholds: { maxTransactionMs: null, exceeded: [] },
    error: describeError(input.error, ownFile),
  };
}
