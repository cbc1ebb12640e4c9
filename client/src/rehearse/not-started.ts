// The report a panel shows for a run the server refused or lost before it could report (a bad
// snapshot, Restricted Mode, the server stopped): failed, nothing done, and the reason.
import { fileURLToPath } from 'node:url';
import { reportWithoutRun, type RehearsalReport } from '../../../server/src/rehearsal/protocol';
import type { RunInfo } from '../panel/protocol';

export function notStartedReport(run: RunInfo, message: string): RehearsalReport {
  const script = run.uri.startsWith('file:') ? fileURLToPath(run.uri) : run.uri;
  return reportWithoutRun(script, run.args.engine ?? 'sqlite', run.snapshotLabel, 'failed', message);
}
