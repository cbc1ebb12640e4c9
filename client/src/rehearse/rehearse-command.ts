// "Evolve: Rehearse Script Against Snapshot": picks the snapshot (and how to rehearse), opens the
// run's panel and starts the rehearsal through the language server (workspace/executeCommand
// "evolve.rehearse", as any LSP editor would), mirroring its work-done progress in a cancellable
// notification and the status bar. The server's notifications feed the panels. The command
// resolves with the report, so tests and other extensions can run it with arguments that skip
// the picker: { uri?, snapshot, resumeCheck?, siteLoad? }.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, WorkDoneProgress, type LanguageClient, type Middleware } from 'vscode-languageclient/node';
import {
  CANCEL_REHEARSAL_COMMAND,
  ClientCommands,
  ListSnapshotsRequest,
  REHEARSE_COMMAND,
  RehearsalEventNotification,
  RehearsalFinishedNotification,
  type RehearsalEventParams,
  type RehearsalFinishedParams,
  type RehearseArgs,
} from '../../../server/src/lsp/protocol';
import { redactSource, type RehearsalReport } from '../../../server/src/rehearsal/protocol';
import type { RunInfo } from '../panel/protocol';
import { RehearsalPanels } from '../panel/rehearsal-panel';
import { notStartedReport } from './not-started';
import { pickRunOptions, type RunOptions } from './run-options';
import { ProgressMirror, RehearsalStatusItem } from './run-progress';
import { SnapshotPicker, type PickedSnapshot } from './snapshot-picker';

/** Reveals a running rehearsal's panel (the status bar item's click); not in the palette. */
export const REVEAL_REHEARSAL_COMMAND = 'evolve.revealRehearsal';

export const RESTRICTED_MODE_EXPLANATION =
  'Evolve: rehearsals are disabled in Restricted Mode. A rehearsal runs your script, and the code it imports, with your Node; ' +
  'trust this workspace to use them. Linting works either way.';

export interface RehearseScriptArgs {
  uri?: string;
  snapshot?: string;
  resumeCheck?: number;
  siteLoad?: number;
}

/** The command's argument: a menu's resource Uri, the code lens's { uri }, or RehearseScriptArgs. */
function readArgs(arg: unknown): RehearseScriptArgs {
  if (arg instanceof vscode.Uri) return { uri: arg.toString() };
  if (!arg || typeof arg !== 'object') return {};
  const raw = arg as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  const count = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
  return { uri: text(raw.uri), snapshot: text(raw.snapshot), resumeCheck: count(raw.resumeCheck), siteLoad: count(raw.siteLoad) };
}

/**
 * The script in the active editor; with a rehearsal panel focused there is none, so the one
 * TypeScript or JavaScript file on disk in view, if there is exactly one.
 */
function currentScript(): vscode.Uri | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active) return active;
  const inView = vscode.window.visibleTextEditors
    .map((e) => e.document)
    .filter((d) => d.uri.scheme === 'file' && ['typescript', 'javascript'].includes(d.languageId));
  return inView.length === 1 ? inView[0].uri : undefined;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Routes the server's code lens ("evolve.rehearse", no picker) to this command, so VS Code users get the picker and the panel. */
export const rehearseLensMiddleware: Middleware = {
  provideCodeLenses: async (document, token, next) => {
    const lenses = await next(document, token);
    for (const lens of lenses ?? []) {
      if (lens.command?.command === REHEARSE_COMMAND) lens.command = { ...lens.command, command: ClientCommands.rehearse };
    }
    return lenses;
  },
};

export class RehearseCommand implements vscode.Disposable {
  readonly panels: RehearsalPanels;
  private readonly status = new RehearsalStatusItem(REVEAL_REHEARSAL_COMMAND);
  private readonly picker: SnapshotPicker;
  private readonly running = new Map<string, RunInfo>();
  /** Snapshot values as typed (a URL's password included), by run: only in memory, for "Rehearse again". */
  private readonly typedSnapshots = new Map<string, string>();
  private readonly events = new vscode.EventEmitter<RehearsalEventParams>();
  private readonly finished = new vscode.EventEmitter<RehearsalFinishedParams>();
  /** Every rehearsal event and report this window receives (the extension's API). */
  readonly onDidRehearsalEvent = this.events.event;
  readonly onDidFinishRehearsal = this.finished.event;

  constructor(
    context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    private readonly log: (message: string) => void,
  ) {
    this.picker = new SnapshotPicker(context.workspaceState);
    this.panels = new RehearsalPanels(context, { cancel: (runId) => this.cancel(runId), rehearseAgain: (run) => void this.again(run), log });
  }

  commands(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(ClientCommands.rehearse, (arg?: unknown) => this.run(arg)),
      vscode.commands.registerCommand(ClientCommands.showRehearsals, () => this.panels.showHistory()),
      vscode.commands.registerCommand(REVEAL_REHEARSAL_COMMAND, (runId: string) => {
        const run = this.running.get(runId);
        if (run) this.panels.open(run);
      }),
    ];
  }

  /** The server's rehearsal notifications, on each (re)started client. */
  listen(client: LanguageClient): vscode.Disposable[] {
    return [
      // Only runs started here have a panel: "evolve.rehearse" run some other way has none to feed.
      client.onNotification(RehearsalEventNotification, (params) => {
        if (this.running.has(params.runId)) this.panels.onEvent(params);
        this.events.fire(params);
      }),
      client.onNotification(RehearsalFinishedNotification, (params) => {
        if (this.running.has(params.runId)) this.panels.onFinished(params);
        this.finished.fire(params);
      }),
    ];
  }

  /** The command: resolves with the report, or undefined when the user backed out or it could not start. */
  async run(arg?: unknown): Promise<RehearsalReport | undefined> {
    if (!vscode.workspace.isTrusted) {
      const choice = await vscode.window.showWarningMessage(RESTRICTED_MODE_EXPLANATION, 'Manage Workspace Trust');
      if (choice) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const client = this.client();
    if (!client?.isRunning()) return this.fail('the language server is not running (see "Evolve: Show Output", or run "Evolve: Restart Server")');
    const args = readArgs(arg);
    const uri = args.uri ? vscode.Uri.parse(args.uri) : currentScript();
    if (!uri || uri.scheme !== 'file') return this.fail('open the evolve script to rehearse (a file on disk), then run this command again');
    // The rehearsal runs the file on disk: unsaved edits would not be rehearsed.
    await vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty)?.save();
    const scriptLabel = vscode.workspace.asRelativePath(uri);
    let snapshot: PickedSnapshot | undefined;
    let options: RunOptions | undefined = { resumeCheck: args.resumeCheck, siteLoad: args.siteLoad };
    if (args.snapshot) {
      snapshot = { value: args.snapshot, label: redactSource(args.snapshot) };
    } else {
      let named;
      try {
        named = await client.sendRequest(ListSnapshotsRequest, { uri: uri.toString() });
      } catch (error) {
        return this.fail(`the language server could not list the snapshots: ${describe(error)}`, scriptLabel);
      }
      snapshot = await this.picker.pick(uri, named);
      if (snapshot && args.resumeCheck === undefined && args.siteLoad === undefined) options = await pickRunOptions(scriptLabel);
    }
    if (!snapshot || !options) return undefined;
    const runId = randomUUID();
    const extra = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    // RunInfo is kept in the workspace's storage with the report: never with a password in it.
    const run: RunInfo = {
      runId,
      uri: uri.toString(),
      scriptLabel,
      snapshotLabel: snapshot.label,
      args: { uri: uri.toString(), runId, snapshot: redactSource(snapshot.value), ...extra },
      startedAt: Date.now(),
    };
    return this.start(run, snapshot.value);
  }

  private async again(previous: RunInfo): Promise<void> {
    let snapshot = this.typedSnapshots.get(previous.runId) ?? previous.args.snapshot;
    if (snapshot?.includes('***')) {
      snapshot = (await this.picker.enterUrl(snapshot))?.value;
      if (!snapshot) return;
    }
    const runId = randomUUID();
    await this.start({ ...previous, runId, args: { ...previous.args, runId }, startedAt: Date.now() }, snapshot);
  }

  private async start(run: RunInfo, snapshot: string | undefined): Promise<RehearsalReport | undefined> {
    const client = this.client();
    if (!client?.isRunning()) return this.fail('the language server is not running');
    if (snapshot) this.typedSnapshots.set(run.runId, snapshot);
    this.running.set(run.runId, run);
    this.panels.open(run);
    const args: RehearseArgs = { ...run.args, ...(snapshot ? { snapshot } : {}) };
    const workDoneToken = `evolve.rehearse/${run.runId}`;
    this.status.update(run.runId, run.scriptLabel, {});
    try {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Evolve: rehearsing ${run.scriptLabel}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => this.cancel(run.runId));
          const mirror = new ProgressMirror((value) => progress.report(value), (shown) => this.status.update(run.runId, run.scriptLabel, shown));
          const following = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => mirror.apply(value));
          try {
            return (await client.sendRequest(ExecuteCommandRequest.type, { command: REHEARSE_COMMAND, arguments: [args], workDoneToken })) as RehearsalReport;
          } finally {
            following.dispose();
          }
        },
      );
      if (report.status === 'failed' || report.status === 'timeout') void this.tellOutcome(run, report);
      return report;
    } catch (error) {
      // Refused before it started (a bad snapshot, Restricted Mode) or the server went away: the panel says so too.
      const message = describe(error);
      this.panels.onFinished({ runId: run.runId, uri: run.uri, report: notStartedReport(run, message) });
      return this.fail(message, run.scriptLabel);
    } finally {
      this.running.delete(run.runId);
      this.status.remove(run.runId);
    }
  }

  private cancel(runId: string): void {
    const client = this.client();
    void client
      ?.sendRequest(ExecuteCommandRequest.type, { command: CANCEL_REHEARSAL_COMMAND, arguments: [{ runId }] })
      .then(undefined, (error: unknown) => this.log(`Cancelling rehearsal ${runId} failed: ${describe(error)}`));
  }

  private async tellOutcome(run: RunInfo, report: RehearsalReport): Promise<void> {
    const why = report.error?.message.split('\n')[0] ?? '';
    const choice = await vscode.window.showWarningMessage(`Evolve: the rehearsal of ${run.scriptLabel} ${report.status === 'timeout' ? 'timed out' : 'failed'}${why ? `: ${why}` : ''}`, 'Show Report');
    if (choice) this.panels.open(run);
  }

  private fail(message: string, scriptLabel?: string): undefined {
    this.log(`Rehearsal${scriptLabel ? ` of ${scriptLabel}` : ''}: ${message}`);
    void vscode.window.showErrorMessage(`Evolve: cannot rehearse${scriptLabel ? ` ${scriptLabel}` : ''}: ${message}`);
    return undefined;
  }

  dispose(): void {
    this.panels.dispose();
    this.status.dispose();
    this.events.dispose();
    this.finished.dispose();
  }
}
