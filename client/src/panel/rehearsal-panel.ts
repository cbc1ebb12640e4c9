// The rehearsal panels: one webview panel per run, re-openable, restored after a window reload.
//
// API (used by the rehearse command's wiring in extension.ts):
//   const panels = new RehearsalPanels(context, { cancel(runId) {...}, rehearseAgain(run) {...} });
//   panels.open(run)            create the run's panel, or reveal it (call before starting the run)
//   panels.onEvent(params)      each evolve/rehearsalEvent: folded into the run's kept state, forwarded
//   panels.onFinished(params)   evolve/rehearsalFinished: the report is stored (last 20 per workspace,
//                               context.workspaceState) and shown
//   panels.showHistory()        quick pick of the kept reports; reopens the chosen one (read-only)
//   panels.dispose()
// PanelActions.cancel is the panel's Cancel button; rehearseAgain its "Rehearse again" button (the
// same script, snapshot and options: run.args). PanelActions.log, when given, receives what the
// panels ignore (invalid webview messages, missing files).
//
// Each run's state is the view model of state.ts, folded here as events arrive: it is bounded, so a
// long run costs no more memory than a short one, and a panel that was hidden (its page is dropped:
// retainContextWhenHidden is off) or reloaded posts `ready` and gets it back in one message.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { RehearsalEventParams, RehearsalFinishedParams } from '../../../server/src/lsp/protocol';
import { buildPanelHtml } from './html';
import { parseWebviewMessage, type ExtensionToWebview, type PanelState, type RunInfo, type WebviewToExtension } from './protocol';
import { ReportStore, type StoredRun } from './report-store';
import { initialView, reduceEvent, reduceReport, type RunView } from './state';

export const PANEL_VIEW_TYPE = 'evolve.rehearsal';
/** Events are sent to the page at most this often; a burst becomes one `state` message. */
const FLUSH_MS = 100;
const MAX_EVENTS_PER_FLUSH = 25;

export interface PanelActions {
  cancel(runId: string): void;
  rehearseAgain(run: RunInfo): void;
  log?(message: string): void;
}

/** What is known of one run, with or without a panel showing it. */
interface RunRecord {
  run: RunInfo;
  view: RunView;
  note?: string;
}

class RehearsalPanel {
  private pending: RehearsalEventParams[] = [];
  private timer: NodeJS.Timeout | undefined;
  private previous: PanelState['previous'] = null;

  constructor(
    readonly webviewPanel: vscode.WebviewPanel,
    readonly record: RunRecord,
    private readonly onMessage: (panel: RehearsalPanel, message: WebviewToExtension) => void,
    log: (message: string) => void,
  ) {
    webviewPanel.webview.onDidReceiveMessage((raw: unknown) => {
      const message = parseWebviewMessage(raw);
      if (message) this.onMessage(this, message);
      else log(`Rehearsal panel: ignored an invalid message from the page: ${JSON.stringify(raw)?.slice(0, 200)}`);
    });
    webviewPanel.onDidDispose(() => clearTimeout(this.timer));
  }

  get runId(): string {
    return this.record.run.runId;
  }

  sendState(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    const { run, view, note } = this.record;
    this.post({ type: 'state', state: { run, view, events: [], report: view.report, previous: this.previous, note } });
  }

  queueEvent(event: RehearsalEventParams): void {
    this.pending.push(event);
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  finished(): void {
    this.sendState();
  }

  compare(previous: StoredRun | undefined): void {
    this.previous = previous ? { run: previous.run, report: previous.report } : null;
    this.post({ type: 'compare', previous: this.previous });
  }

  private flush(): void {
    this.timer = undefined;
    // A burst (a batch per millisecond) would cost a message each: the folded state says it all at once.
    if (this.pending.length > MAX_EVENTS_PER_FLUSH) return this.sendState();
    for (const event of this.pending) this.post({ type: 'event', event });
    this.pending = [];
  }

  private post(message: ExtensionToWebview): void {
    // A hidden panel has no page: it gets the whole state when it posts `ready` again.
    if (this.webviewPanel.visible) void this.webviewPanel.webview.postMessage(message);
  }
}

export class RehearsalPanels implements vscode.Disposable {
  private readonly panels = new Map<string, RehearsalPanel>();
  /** Runs still going: their state is kept even when their panel is closed, to reopen it. */
  private readonly running = new Map<string, RunRecord>();
  private readonly store: ReportStore;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly log: (message: string) => void;
  /** Runs whose events came without open(run): said once each in the log, then ignored. */
  private readonly unknownRuns = new Set<string>();

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly actions: PanelActions,
  ) {
    this.store = new ReportStore(context.workspaceState);
    this.log = actions.log ?? ((message) => console.warn(message));
    this.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (webviewPanel, state: unknown) => this.restore(webviewPanel, state),
      }),
    );
  }

  open(run: RunInfo): void {
    const existing = this.panels.get(run.runId);
    if (existing) return existing.webviewPanel.reveal();
    let record = this.running.get(run.runId);
    if (!record) {
      const stored = this.store.find(run.runId);
      record = stored ? recordOf(stored) : { run, view: initialView() };
      if (!stored) this.running.set(run.runId, record);
    }
    const webviewPanel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, titleOf(run), vscode.ViewColumn.Beside, this.webviewOptions());
    this.attach(webviewPanel, record);
  }

  onEvent(params: RehearsalEventParams): void {
    const record = this.running.get(params.runId);
    if (!record) return this.unknownRun(params.runId);
    record.view = reduceEvent(record.view, params);
    this.panels.get(params.runId)?.queueEvent(params);
  }

  onFinished(params: RehearsalFinishedParams): void {
    const record = this.running.get(params.runId);
    if (!record) return this.unknownRun(params.runId);
    this.running.delete(params.runId);
    record.view = reduceReport(record.view, params.report);
    void this.store.add({ run: record.run, report: params.report, view: record.view, finishedAt: Date.now() });
    this.panels.get(params.runId)?.finished();
  }

  async showHistory(): Promise<void> {
    const kept = this.store.list();
    if (kept.length === 0) {
      void vscode.window.showInformationMessage('No rehearsal reports are kept in this workspace yet. Run "Evolve: Rehearse Script Against Snapshot" first.');
      return;
    }
    const icons = { ok: '$(pass)', failed: '$(error)', cancelled: '$(circle-slash)', timeout: '$(watch)' };
    const picked = await vscode.window.showQuickPick(
      kept.map((entry) => ({
        label: `${icons[entry.report.status]} ${entry.run.scriptLabel}`,
        description: entry.run.snapshotLabel,
        detail: `${entry.report.status} in ${Math.round(entry.report.durationMs)} ms · ${new Date(entry.run.startedAt).toLocaleString()}`,
        entry,
      })),
      { title: 'Evolve: rehearsal reports', placeHolder: 'Reopen a rehearsal report', matchOnDescription: true },
    );
    if (picked) this.open(picked.entry.run);
  }

  dispose(): void {
    for (const panel of this.panels.values()) panel.webviewPanel.dispose();
    for (const subscription of this.subscriptions) subscription.dispose();
  }

  private unknownRun(runId: string): void {
    if (this.unknownRuns.has(runId)) return;
    this.unknownRuns.add(runId);
    this.log(`Rehearsal panel: events for run ${runId}, which no panel was opened for (call open(run) before the run starts); ignored.`);
  }

  private webviewOptions(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [this.resourceRoot()] };
  }

  private resourceRoot(): vscode.Uri {
    return vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'panel');
  }

  private attach(webviewPanel: vscode.WebviewPanel, record: RunRecord): void {
    const { webview } = webviewPanel;
    webviewPanel.title = titleOf(record.run);
    webview.options = { enableScripts: true, localResourceRoots: [this.resourceRoot()] };
    webview.html = buildPanelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.resourceRoot(), 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.resourceRoot(), 'panel.css')).toString(),
      title: titleOf(record.run),
    });
    const panel = new RehearsalPanel(
      webviewPanel,
      record,
      (p, message) => void this.handle(p, message).catch((error: unknown) => this.log(`Rehearsal panel: ${message.type} failed: ${error instanceof Error ? error.message : String(error)}`)),
      this.log,
    );
    this.panels.set(record.run.runId, panel);
    webviewPanel.onDidDispose(() => {
      if (this.panels.get(record.run.runId) === panel) this.panels.delete(record.run.runId);
    });
  }

  /** After a window reload: the page's own saved state says which run it showed. */
  private restore(webviewPanel: vscode.WebviewPanel, state: unknown): void {
    const saved = state as { run?: RunInfo; view?: RunView } | undefined;
    const runId = saved?.run?.runId;
    if (!runId || typeof runId !== 'string') {
      webviewPanel.dispose();
      return;
    }
    const stored = this.store.find(runId);
    const record: RunRecord = this.running.get(runId) ??
      (stored ? recordOf(stored) : { run: saved.run!, view: saved.view ?? initialView(), note: 'The window was reloaded while this run was going: its events stopped here, and its report was not received.' });
    this.attach(webviewPanel, record);
  }

  private async handle(panel: RehearsalPanel, message: WebviewToExtension): Promise<void> {
    const { run, view } = panel.record;
    switch (message.type) {
      case 'ready':
        return panel.sendState();
      case 'cancel':
        return this.running.has(run.runId) ? this.actions.cancel(run.runId) : undefined;
      case 'rehearseAgain':
        return this.actions.rehearseAgain(run);
      case 'compareWithPrevious':
        return panel.compare(this.store.previousOf(run));
      case 'openReportJson': {
        if (!view.report) return;
        const document = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(view.report, null, 2) + '\n' });
        await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Active, preview: false });
        return;
      }
      case 'openLocation':
        return openLocation(message.file, message.line, message.column, this.log);
    }
  }
}

function recordOf(stored: StoredRun): RunRecord {
  return { run: stored.run, view: reduceReport(stored.view ?? initialView(), stored.report) };
}

function titleOf(run: RunInfo): string {
  return `Rehearsal: ${run.scriptLabel}`;
}

/** Opens a source location from an error's stack: a file path or file URI of a file that exists. */
async function openLocation(file: string, line: number, column: number, log: (message: string) => void): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = /^file:\/\//i.test(file) ? vscode.Uri.parse(file, true) : vscode.Uri.file(file);
  } catch {
    return log(`Rehearsal panel: not a file location: ${file}`);
  }
  if (uri.scheme !== 'file') return log(`Rehearsal panel: not a file location: ${file}`);
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.type !== vscode.FileType.File) throw new Error('not a file');
  } catch {
    void vscode.window.showWarningMessage(`Cannot open ${uri.fsPath}: the file does not exist (any more).`);
    return;
  }
  const position = new vscode.Position(line - 1, column - 1);
  await vscode.window.showTextDocument(uri, { selection: new vscode.Range(position, position), viewColumn: vscode.ViewColumn.One, preview: false });
}
