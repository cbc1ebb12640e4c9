// The last reports of a workspace, kept in the extension's workspace storage (a Memento), for the
// panel's history, "Compare with previous run" and panels restored after a window reload.
// No vscode import: the Memento is passed in, so tests use a plain object.
import type { RehearsalReport } from '../../../server/src/rehearsal/protocol';
import type { RunInfo } from './protocol';
import type { RunView } from './state';

export const MAX_KEPT_REPORTS = 20;
const KEY = 'evolve.rehearsal.reports';
/** Log lines kept with a stored run (the live panel keeps more). */
const STORED_LOG_LINES = 50;

export interface StoredRun {
  run: RunInfo;
  report: RehearsalReport;
  /** The run's view (already bounded), so a reopened panel shows its chart and log tail too. */
  view: RunView | null;
  finishedAt: number;
}

/** The part of vscode.Memento this needs. */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

export class ReportStore {
  constructor(
    private readonly memento: KeyValueStore,
    private readonly limit = MAX_KEPT_REPORTS,
  ) {}

  /** Newest first. Entries that are not runs (an older format, a hand edit) are left out. */
  list(): StoredRun[] {
    const value = this.memento.get<unknown>(KEY);
    if (!Array.isArray(value)) return [];
    return value.filter(isStoredRun);
  }

  find(runId: string): StoredRun | undefined {
    return this.list().find((entry) => entry.run.runId === runId);
  }

  /** The newest run of the same script that started before this one. */
  previousOf(run: RunInfo): StoredRun | undefined {
    return this.list().find((entry) => entry.run.uri === run.uri && entry.run.runId !== run.runId && entry.run.startedAt < run.startedAt);
  }

  async add(entry: StoredRun): Promise<void> {
    const view = entry.view ? { ...entry.view, log: entry.view.log.slice(-STORED_LOG_LINES), logDropped: entry.view.logDropped + Math.max(0, entry.view.log.length - STORED_LOG_LINES) } : null;
    const others = this.list().filter((kept) => kept.run.runId !== entry.run.runId);
    await this.memento.update(KEY, [{ ...entry, view }, ...others].slice(0, this.limit));
  }
}

function isStoredRun(value: unknown): value is StoredRun {
  const entry = value as StoredRun | null;
  return (
    !!entry &&
    typeof entry === 'object' &&
    typeof entry.run?.runId === 'string' &&
    typeof entry.run?.uri === 'string' &&
    typeof entry.run?.startedAt === 'number' &&
    typeof entry.report?.status === 'string' &&
    typeof entry.finishedAt === 'number'
  );
}
