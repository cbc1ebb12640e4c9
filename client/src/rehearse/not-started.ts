// The report a panel shows for a run the server refused or lost before it could report (a bad
// snapshot, Restricted Mode, the server stopped): failed, nothing done, and the reason.
import { fileURLToPath } from 'node:url';
import type { RehearsalReport } from '../../../server/src/rehearsal/protocol';
import type { RunInfo } from '../panel/protocol';

export function notStartedReport(run: RunInfo, message: string): RehearsalReport {
  return {
    status: 'failed',
    script: run.uri.startsWith('file:') ? fileURLToPath(run.uri) : run.uri,
    durationMs: 0,
    rowsPerSecond: 0,
    snapshot: { engine: run.args.engine ?? 'sqlite', source: run.snapshotLabel, bytes: 0, ms: 0, path: null, method: null },
    rowsRead: 0,
    rowsWritten: 0,
    statements: { select: 0, insert: 0, update: 0, delete: 0, ddl: 0, transaction: 0, other: 0, total: 0 },
    transactions: { count: 0, commits: 0, rollbacks: 0, longestMs: 0, p50Ms: 0, openAtExit: 0 },
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
