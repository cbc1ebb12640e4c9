// The language server's behaviour, independent of how handlers are wired (server.ts): keeps
// diagnostics of open documents current (pull where the client supports it, push otherwise),
// reports evolve.config.json problems in that file, and answers code actions from diagnostic data.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import {
  CodeActionKind,
  FileChangeType,
  LSPErrorCodes,
  ResponseError,
  type TextDocuments,
  type CancellationToken,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type DocumentDiagnosticParams,
  type FileEvent,
  type InitializeParams,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAllAction, quickFixes, wantsKind, type ActionableDiagnostic } from './code-actions';
import { ConfigStore } from './config-store';
import { createDocuments } from './documents';
import { configProblemsToDiagnostics, fileResultToDiagnostics, isEvolveDiagnosticData, type EvolveDiagnosticData } from './diagnostics';
import { DEFAULT_SETTINGS, FIX_ALL_KIND, StatusNotification, type EvolveSettings, type ServerState } from './protocol';
import { checkCodeActionParams, checkDocumentDiagnosticParams } from './request-params';
import { RuntimeSetup } from './runtime-actions';
import { DebouncedScheduler } from './scheduler';
import type { EditContext, EditTarget } from './workspace-edit';

export interface ClientAbilities {
  pullDiagnostics: boolean;
  diagnosticRefresh: boolean;
  documentChanges: boolean;
  workspaceConfiguration: boolean;
  watchedFilesRegistration: boolean;
  showDocument: boolean;
}

export function clientAbilities(params: InitializeParams): ClientAbilities {
  const c = params.capabilities;
  return {
    pullDiagnostics: !!c.textDocument?.diagnostic,
    diagnosticRefresh: !!c.workspace?.diagnostics?.refreshSupport,
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    workspaceConfiguration: !!c.workspace?.configuration,
    watchedFilesRegistration: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    showDocument: !!c.window?.showDocument?.support,
  };
}

export function uriToPath(uri: string): string | undefined {
  return uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

function intersects(a: Diagnostic['range'], b: Diagnostic['range']): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) =>
    p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

const sameFinding = (a: EvolveDiagnosticData, b: EvolveDiagnosticData) =>
  a.ruleId === b.ruleId && a.messageId === b.messageId && a.start === b.start && a.end === b.end;

/** Diagnostics of one file as last analysed: for an open document, for one version of it. */
interface Analysed {
  uri: string;
  version: number | null;
  diagnostics: Diagnostic[];
  findings: number;
  /** Whether these were pushed with publishDiagnostics (and must be cleared the same way). */
  pushed: boolean;
}

/** Debounce of analysis after a keystroke (push mode); pull clients debounce on their side. */
const CHANGE_DEBOUNCE_MS = 150;

export class EvolveService {
  readonly documents: TextDocuments<TextDocument>;
  readonly configs = new ConfigStore([]);
  abilities: ClientAbilities = clientAbilities({ capabilities: {} } as InitializeParams);
  settings: EvolveSettings = DEFAULT_SETTINGS;
  /** Analysis results by absolute path. */
  readonly analysed = new Map<string, Analysed>();
  private readonly scheduler = new DebouncedScheduler(CHANGE_DEBOUNCE_MS);
  private readonly publishedConfigUris = new Set<string>();
  /** Files whose analysis threw, with the error: shown as the status until they analyse again. */
  private readonly failures = new Map<string, string>();

  /** False in VS Code's Restricted Mode (initializationOptions.workspaceTrusted): nothing may run. */
  workspaceTrusted = true;
  readonly runtime: RuntimeSetup;

  constructor(readonly connection: Connection) {
    this.documents = createDocuments((message) => connection.console.warn(message));
    this.runtime = new RuntimeSetup({
      connection,
      rootOf: (file) => this.configs.rootOf(file),
      workspaceTrusted: () => this.workspaceTrusted,
      changed: () => this.refreshAllDocuments(),
    });
  }

  // ---- analysis -------------------------------------------------------------------------------

  /** Analyses a file (an open document's buffer or the disk) and records the result; undefined for files that are not evolve scripts. */
  analyse(path: string, uri: string, version: number | null): Analysed {
    let diagnostics: Diagnostic[] = [];
    let findings = 0;
    try {
      if (this.configs.isEvolveScript(path)) {
        const result = this.configs.entryFor(path).analyzer.analyzeFile(path);
        diagnostics = fileResultToDiagnostics(result, version, pathToUri);
        findings = result.findings.length;
      }
      this.failures.delete(path);
    } catch (err) {
      // A bug in a rule must not take the server down: say which file, keep serving the others.
      this.failures.set(path, `Analysing ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
      this.connection.console.error(`Analysing ${path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    const previous = this.analysed.get(path);
    const entry: Analysed = { uri, version, diagnostics, findings, pushed: previous?.pushed ?? false };
    this.analysed.set(path, entry);
    return entry;
  }

  /** The diagnostics of an open document's current version (analysing now unless already done). */
  currentFor(doc: TextDocument): Analysed | undefined {
    const path = uriToPath(doc.uri);
    if (!path) return undefined;
    const known = this.analysed.get(path);
    if (known && known.version === doc.version) return known;
    this.configs.setFileText(path, doc.getText());
    return this.analyse(path, doc.uri, doc.version);
  }

  publish(path: string, entry: Analysed): void {
    if (entry.diagnostics.length === 0 && !entry.pushed) return;
    entry.pushed = entry.diagnostics.length > 0;
    void this.connection.sendDiagnostics({ uri: entry.uri, version: entry.version ?? undefined, diagnostics: entry.diagnostics });
    this.analysed.set(path, entry);
  }

  /** Clears what was pushed for a file (it is now pulled, or no longer an evolve script). */
  unpublish(path: string): void {
    const entry = this.analysed.get(path);
    if (entry?.pushed) void this.connection.sendDiagnostics({ uri: entry.uri, diagnostics: [] });
    this.analysed.delete(path);
  }

  // ---- documents ------------------------------------------------------------------------------

  documentOpened(doc: TextDocument): void {
    const path = uriToPath(doc.uri);
    if (!path) return;
    this.configs.setFileText(path, doc.getText());
    if (this.abilities.pullDiagnostics) {
      this.unpublish(path); // a workspace-scan result would duplicate the pulled diagnostics
      return;
    }
    this.publish(path, this.analyse(path, doc.uri, doc.version));
    this.sendStatus();
  }

  documentChanged(doc: TextDocument): void {
    const path = uriToPath(doc.uri);
    if (!path) return;
    this.configs.setFileText(path, doc.getText());
    // TextDocuments reports an open as a change too: that version is analysed already.
    if (this.abilities.pullDiagnostics || this.analysed.get(path)?.version === doc.version) return;
    this.sendStatus('analysing');
    this.scheduler.schedule(doc.uri, () => {
      const current = this.documents.get(doc.uri);
      if (!current) return;
      this.publish(path, this.analyse(path, current.uri, current.version));
      this.refreshOtherDocuments(current.uri);
      this.sendStatus();
    });
  }

  documentClosed(doc: TextDocument, rescanFromDisk: boolean): void {
    const path = uriToPath(doc.uri);
    if (!path) return;
    this.scheduler.cancel(doc.uri);
    this.configs.setFileText(path, undefined);
    const pulled = this.abilities.pullDiagnostics && !this.analysed.get(path)?.pushed;
    if (pulled) this.analysed.delete(path);
    else this.unpublish(path);
    // The file on disk may differ from the discarded buffer: report what the scan would.
    if (rescanFromDisk) this.publish(path, this.analyse(path, pathToUri(path), null));
    this.sendStatus();
  }

  /**
   * Script files changed on disk (saved elsewhere, a git checkout): re-report unopened evolve scripts
   * (when the workspace is scanned) and re-analyse open documents, whose helpers may be among them.
   * Open documents' own buffers win over the disk.
   */
  filesChangedOnDisk(changes: readonly FileEvent[], reportUnopened: boolean): void {
    for (const change of changes) {
      const path = uriToPath(change.uri);
      if (!path || this.documents.get(change.uri)) continue;
      // A created or changed event can arrive after the file is gone again (a checkout's temporary
      // files, coalesced watcher events): it is a deletion, not a file to report as unreadable.
      if (change.type === FileChangeType.Deleted || !existsSync(path)) this.unpublish(path);
      else if (reportUnopened && this.configs.isEvolveScript(path)) this.publish(path, this.analyse(path, pathToUri(path), null));
    }
    this.refreshAllDocuments();
    this.sendStatus();
  }

  /** Helpers are analysed across files: an edit in one open file can change another's findings. */
  private refreshOtherDocuments(exceptUri: string): void {
    for (const other of this.documents.all()) {
      const path = uriToPath(other.uri);
      if (other.uri === exceptUri || !path) continue;
      const before = this.analysed.get(path);
      const after = this.analyse(path, other.uri, other.version);
      if (JSON.stringify(before?.diagnostics) !== JSON.stringify(after.diagnostics)) this.publish(path, after);
    }
  }

  /** All open documents again (config or settings changed). */
  refreshAllDocuments(): void {
    if (this.abilities.pullDiagnostics) {
      for (const doc of this.documents.all()) {
        const path = uriToPath(doc.uri);
        if (path) this.analysed.delete(path);
      }
      if (this.abilities.diagnosticRefresh) void this.connection.languages.diagnostics.refresh();
      return;
    }
    for (const doc of this.documents.all()) {
      const path = uriToPath(doc.uri);
      if (path) this.publish(path, this.analyse(path, doc.uri, doc.version));
    }
  }

  async pullDiagnostics(raw: DocumentDiagnosticParams, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    const params = checkDocumentDiagnosticParams(raw);
    // Let notifications already received (didChange, $/cancelRequest) land before analysing.
    await new Promise((resolve) => setImmediate(resolve));
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'Superseded by a newer request.');
    const doc = this.documents.get(params.textDocument.uri);
    const entry = doc && this.currentFor(doc);
    this.sendStatus();
    return { kind: 'full', items: entry?.diagnostics ?? [] };
  }

  // ---- config -----------------------------------------------------------------------------------

  /** Pushes the problems of every loaded evolve.config.json into that file (and clears fixed ones). */
  publishConfigProblems(): void {
    const now = new Set<string>();
    for (const entry of this.configs.configEntries()) {
      const uri = pathToUri(entry.file!);
      const doc = TextDocument.create(uri, 'json', 0, entry.text);
      const diagnostics = configProblemsToDiagnostics(entry.problems, (o) => doc.positionAt(o));
      if (diagnostics.length > 0) now.add(uri);
      if (diagnostics.length > 0 || this.publishedConfigUris.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics });
    }
    for (const uri of this.publishedConfigUris) {
      if (!now.has(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
    }
    this.publishedConfigUris.clear();
    for (const uri of now) this.publishedConfigUris.add(uri);
  }

  configFileChanged(): void {
    this.configs.configFileChanged();
    this.refreshAllDocuments();
    this.publishConfigProblems();
    this.sendStatus();
  }

  // ---- code actions ---------------------------------------------------------------------------

  editContext(doc: TextDocument): EditContext {
    const resolve = (path: string): EditTarget | undefined => {
      const uri = pathToUri(path);
      const open = this.documents.get(uri);
      if (open) return { uri, text: open.getText(), version: open.version };
      try {
        return { uri, text: readFileSync(path, 'utf8'), version: null };
      } catch {
        return undefined;
      }
    };
    return { document: { uri: doc.uri, text: doc.getText(), version: doc.version }, resolve, documentChanges: this.abilities.documentChanges };
  }

  codeActions(raw: CodeActionParams): CodeAction[] {
    const params = checkCodeActionParams(raw);
    const doc = this.documents.get(params.textDocument.uri);
    const current = doc && this.currentFor(doc);
    if (!doc || !current) return [];
    const actionable = (d: Diagnostic): ActionableDiagnostic[] => (isEvolveDiagnosticData(d.data) ? [{ diagnostic: d, data: d.data }] : []);
    const own = current.diagnostics.flatMap(actionable);
    const ctx = this.editContext(doc);
    const actions: CodeAction[] = [];
    if (wantsKind(CodeActionKind.QuickFix, params.context.only)) {
      // The client's diagnostics only say which of the server's own ones are meant: their data (the
      // edits) is never used, so a client cannot make the server build edits from anything but its
      // own analysis. Those of this very version are matched exactly; those of an older version are
      // replaced by the current ones at the same place, so no edit ever targets a stale text.
      const fromClient = params.context.diagnostics.flatMap(actionable);
      const fresh = fromClient.length > 0 && fromClient.every((d) => d.data.version === doc.version);
      const items = fresh
        ? own.filter((d) => fromClient.some((c) => sameFinding(c.data, d.data)))
        : own.filter((d) => intersects(d.diagnostic.range, params.range) && (fromClient.length === 0 || fromClient.some((c) => c.data.ruleId === d.data.ruleId)));
      const path = uriToPath(doc.uri);
      const runtime = path ? this.runtime.adjust(items, path, doc.uri) : { items, actions: [] };
      actions.push(...quickFixes(runtime.items, ctx), ...runtime.actions);
    }
    if (wantsKind(FIX_ALL_KIND, params.context.only)) {
      const fixAll = fixAllAction(own, ctx);
      if (fixAll) actions.push(fixAll);
    }
    return actions;
  }

  // ---- status ---------------------------------------------------------------------------------

  totals(): { findings: number; files: number } {
    let findings = 0;
    let files = 0;
    for (const entry of this.analysed.values()) {
      findings += entry.findings;
      if (entry.findings > 0) files++;
    }
    return { findings, files };
  }

  sendStatus(state?: ServerState): void {
    const configProblems = this.configs.configEntries().filter((e) => e.problems.length > 0);
    const message =
      this.failures.values().next().value ??
      (configProblems.length > 0 ? `${configProblems.map((e) => e.file).join(', ')}: invalid configuration (see Problems)` : undefined);
    const resolved: ServerState = state ?? (message ? 'error' : 'ready');
    void this.connection.sendNotification(StatusNotification, { state: resolved, ...this.totals(), ...(message ? { message } : {}) });
  }

  dispose(): void {
    this.scheduler.dispose();
  }
}
