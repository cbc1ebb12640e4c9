// Rehearsals started by any LSP client with workspace/executeCommand "evolve.rehearse". Each runs
// in the engine's child process (the server never loads a database driver), reports through
// evolve/rehearsalEvent notifications and work-done progress, and resolves the request with its
// report. Several runs may go at once, keyed by runId; shutdown cancels them all.
import { randomInt, randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import {
  ErrorCodes,
  ResponseError,
  WorkDoneProgressReporter,
  type CancellationToken,
  type Connection,
  type Disposable,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver';
import { ConfigError } from '../core/config';
import { startRehearsal, type RehearsalOptions } from '../rehearsal/engine';
import { redactSource, type ChildEvent, type RehearsalReport } from '../rehearsal/protocol';
import { runResumeCheck } from '../rehearsal/resume-check';
import { RehearsalConfigError, resolveSnapshot } from '../rehearsal/snapshot-source';
import type { ConfigStore } from './config-store';
import {
  CANCEL_REHEARSAL_COMMAND,
  RehearsalEventNotification,
  RehearsalFinishedNotification,
  type ListSnapshotsParams,
  type SnapshotChoice,
} from './protocol';
import { parseRehearseArgs, type CheckedRehearseArgs } from './rehearse-args';
import { describeProgress, EventRelay } from './rehearsal-relay';
import { uriToPath } from './service';

export const RESTRICTED_MODE_MESSAGE =
  'Evolve does not rehearse scripts in Restricted Mode: a rehearsal runs the script, and the code it imports, with your Node. ' +
  'Trust this workspace (command "Workspaces: Manage Workspace Trust") to rehearse it; linting works either way.';

export interface RehearsalHost {
  connection: Connection;
  configs: ConfigStore;
  workspaceTrusted(): boolean;
  /** evolve.nodePath; empty for the first `node` on PATH. */
  nodePath(): string;
  /** The client announced window.workDoneProgress: the server may create progress when the request brought no token. */
  supportsWorkDoneProgress(): boolean;
}

interface ActiveRun {
  cancel(): void;
  done: Promise<RehearsalReport>;
}

type Progress = WorkDoneProgressReporter & Partial<Pick<WorkDoneProgressServerReporter, 'token'>>;

function toResponseError(error: unknown): unknown {
  return error instanceof RehearsalConfigError ? new ResponseError(ErrorCodes.InvalidParams, error.message) : error;
}

export class Rehearsals {
  private readonly active = new Map<string, ActiveRun>();
  private closed = false;

  constructor(private readonly host: RehearsalHost) {}

  /** "evolve.rehearse": resolves with the report once the run has ended and cleaned up. */
  async rehearse(args: unknown[] | undefined, token: CancellationToken, workDone: WorkDoneProgressReporter): Promise<RehearsalReport> {
    if (!this.host.workspaceTrusted()) throw new ResponseError(ErrorCodes.InvalidRequest, RESTRICTED_MODE_MESSAGE);
    if (this.closed) throw new ResponseError(ErrorCodes.InvalidRequest, 'The Evolve language server is shutting down: rehearse again after it restarts.');
    let checked: CheckedRehearseArgs;
    let options: RehearsalOptions;
    try {
      checked = parseRehearseArgs(args);
      options = this.optionsFor(checked);
    } catch (error) {
      throw toResponseError(error);
    }
    const progress = await this.progressFor(workDone);
    // No await from here until the run is registered, so two requests cannot both take one runId.
    const runId = checked.runId ?? randomUUID();
    if (this.active.has(runId)) {
      progress.done();
      throw new ResponseError(ErrorCodes.InvalidParams, `A rehearsal with runId "${runId}" is already running: use a new runId.`);
    }
    const { uri } = checked;
    progress.begin(`Rehearsing ${basename(checked.path)}`, undefined, 'Copying the snapshot…', true);
    const relay = this.relay(runId, uri, progress, checked.resumeCheck);
    let run: ActiveRun;
    try {
      run = this.start(checked, options, (event) => relay.push(event));
    } catch (error) {
      progress.done();
      throw toResponseError(error);
    }
    this.active.set(runId, run);
    const subscriptions: Disposable[] = [token.onCancellationRequested(() => run.cancel())];
    if (progress.token) subscriptions.push(progress.token.onCancellationRequested(() => run.cancel()));
    try {
      const report = await run.done;
      relay.dispose();
      await this.host.connection.sendNotification(RehearsalFinishedNotification, { runId, uri, report }).catch(() => undefined);
      return report;
    } catch (error) {
      throw toResponseError(error);
    } finally {
      relay.dispose();
      this.active.delete(runId);
      for (const s of subscriptions) s.dispose();
      progress.done();
    }
  }

  /** "evolve.cancelRehearsal" [{ runId }]: true when that run was running (it stops after its batch). */
  cancel(args: unknown[] | undefined): boolean {
    const runId = (args?.[0] as { runId?: unknown } | undefined)?.runId;
    if (typeof runId !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, `${CANCEL_REHEARSAL_COMMAND} needs one argument, { "runId": "..." }.`);
    const run = this.active.get(runId);
    run?.cancel();
    return run !== undefined;
  }

  /** The snapshots evolve.config.json names for a script, credentials removed (for a client's picker). */
  listSnapshots(params: ListSnapshotsParams): SnapshotChoice[] {
    const uri: unknown = params?.uri;
    if (typeof uri !== 'string') throw new ResponseError(ErrorCodes.InvalidParams, 'evolve/listSnapshots: params must be { uri } with the script\'s file: URI.');
    const path = uriToPath(uri);
    if (!path) return [];
    const { configs } = this.host;
    const { config } = configs.entryFor(path);
    const names = Object.keys(config.snapshots);
    const defaultName = names.length === 1 ? names[0] : config.snapshots.default ? 'default' : undefined;
    return names.map((name) => {
      const entry = config.snapshots[name];
      const base = { name, label: redactSource(entry.source), isDefault: name === defaultName };
      try {
        return { ...base, engine: resolveSnapshot(name, undefined, config, configs.rootOf(path)).engine };
      } catch (error) {
        const engine = entry.engine ?? (/^postgres(ql)?:/i.test(entry.source) ? 'postgres' : 'sqlite');
        return { ...base, engine, problem: (error as Error).message };
      }
    });
  }

  /** Cancels every run and waits until each has stopped and removed its snapshot. */
  async dispose(): Promise<void> {
    this.closed = true;
    const runs = [...this.active.values()];
    for (const run of runs) run.cancel();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  private optionsFor(args: CheckedRehearseArgs): RehearsalOptions {
    const { configs } = this.host;
    const entry = configs.entryFor(args.path);
    if (entry.problems.length > 0) {
      throw new RehearsalConfigError(`${new ConfigError(entry.file ?? 'evolve.config.json', entry.problems).message}\nFix evolve.config.json, then rehearse again.`);
    }
    if (args.seed !== undefined && args.resumeCheck === undefined) throw new RehearsalConfigError('"seed" applies to "resumeCheck" only.');
    if (args.maxSiteP99Ms !== undefined && args.siteLoad === undefined) throw new RehearsalConfigError('"maxSiteP99Ms" applies to "siteLoad" only.');
    if (args.siteLoad !== undefined && args.resumeCheck !== undefined) {
      throw new RehearsalConfigError('"siteLoad" and "resumeCheck" do not go together: rehearse once with each.');
    }
    return {
      script: args.path,
      workspace: configs.rootOf(args.path),
      config: entry.config,
      snapshot: args.snapshot,
      engine: args.engine,
      keep: args.keep,
      timeoutMs: args.timeoutMs,
      maxTransactionMs: args.maxTransactionMs,
      nodePath: this.host.nodePath() || undefined,
      siteLoad: args.siteLoad,
      maxSiteP99Ms: args.maxSiteP99Ms,
    };
  }

  private start(args: CheckedRehearseArgs, options: RehearsalOptions, onEvent: (event: ChildEvent) => void): ActiveRun {
    if (args.resumeCheck === undefined) {
      const run = startRehearsal(options, onEvent);
      return { cancel: () => run.cancel(), done: run.done };
    }
    // Cancelling stops the run in flight after its batch and starts no other.
    const abort = new AbortController();
    const done = runResumeCheck(options, { kills: args.resumeCheck, seed: args.seed ?? randomInt(2 ** 31) }, onEvent, abort.signal);
    return { cancel: () => abort.abort(), done };
  }

  /** Each event as a notification, and the work-done progress it means (a resume check's runs counted). */
  private relay(runId: string, uri: string, progress: Progress, kills: number | undefined): EventRelay {
    const attempts = kills === undefined ? 0 : kills + 2;
    let attempt = 0;
    return new EventRelay((event, atMs) => {
      this.host.connection.sendNotification(RehearsalEventNotification, { runId, uri, atMs, event }).catch(() => undefined);
      if (event.type === 'started') attempt++;
      const prefix = attempts ? `Resume check, run ${attempt} of ${attempts}: ` : '';
      if (event.type === 'snapshot-ready') progress.report(`${prefix}running the script…`);
      if (event.type === 'progress') {
        const { percentage, message } = describeProgress(event.progress);
        if (percentage === undefined) progress.report(prefix + message);
        else progress.report(percentage, prefix + message);
      }
    });
  }

  /** The client's token when it sent one; else progress the server creates, where the client supports it. */
  private async progressFor(workDone: WorkDoneProgressReporter): Promise<Progress> {
    if (!WorkDoneProgressReporter.isNullInstance(workDone) || !this.host.supportsWorkDoneProgress()) return workDone;
    return this.host.connection.window.createWorkDoneProgress().catch(() => workDone);
  }
}
