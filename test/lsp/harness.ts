// A minimal LSP client for the integration tests: starts dist/server.js as a child process and
// talks JSON-RPC over its stdio, as Neovim or Helix would. Everything waits on messages, never sleeps.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { StatusParams } from '../../server/src/lsp/protocol';

export const REPO = resolve(__dirname, '../..');
export const SERVER = join(REPO, 'dist/server.js');
/** Upper bound on any wait for the server (a busy CI machine included). */
const WAIT_LIMIT_MS = 90_000;

/** Copies a fixture workspace to a fresh temp folder (tests edit files in it). */
export function copyFixture(name: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `evolve-lsp-${name}-`)));
  cpSync(join(__dirname, 'fixtures', name), dir, { recursive: true });
  return dir;
}

export const uriOf = (path: string): string => pathToFileURL(path).href;

/** Client capabilities of a push-only client (Neovim 0.7) or a pull-capable one (VS Code). */
export function capabilities(opts: { pull?: boolean; documentChanges?: boolean } = {}): ClientCapabilities {
  return {
    textDocument: {
      publishDiagnostics: { versionSupport: true, codeDescriptionSupport: true, dataSupport: true, relatedInformation: true },
      codeAction: { dataSupport: true, isPreferredSupport: true, codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source'] } } },
      ...(opts.pull ? { diagnostic: { dynamicRegistration: false, relatedDocumentSupport: false } } : {}),
    },
    workspace: {
      configuration: true,
      didChangeWatchedFiles: { dynamicRegistration: true },
      workspaceEdit: { documentChanges: opts.documentChanges ?? true },
      ...(opts.pull ? { diagnostics: { refreshSupport: true } } : {}),
    },
    window: { workDoneProgress: true, showDocument: { support: true } },
  };
}

interface Waiter<T> {
  match: (value: T) => boolean;
  resolve: (value: T) => void;
}

export class LspClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly statuses: StatusParams[] = [];
  readonly progress: unknown[] = [];
  readonly shownDocuments: string[] = [];
  refreshes = 0;
  settings: Record<string, unknown> = { scanWorkspace: true };
  private diagnosticWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private statusWaiters: Waiter<StatusParams>[] = [];
  private versions = new Map<string, number>();
  private stderr = '';

  private constructor(
    readonly child: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(
    workspace: string,
    caps = capabilities(),
    settings?: Record<string, unknown>,
    initializationOptions?: Record<string, unknown>,
  ): Promise<{ client: LspClient; init: InitializeResult }> {
    if (!existsSync(SERVER)) throw new Error(`${SERVER} is missing: run \`npm run build\` first.`);
    // --no-addons: the server runs inside editors' own runtimes and must never load a native module;
    // with this flag any attempt fails the test instead of passing unnoticed.
    const child = spawn(process.execPath, ['--no-addons', SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const client = new LspClient(child, connection);
    if (settings) client.settings = settings;
    child.stderr!.on('data', (d) => (client.stderr += d));
    connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      client.published.push(p);
      client.diagnosticWaiters = client.diagnosticWaiters.filter((w) => !(w.match(p) && (w.resolve(p), true)));
    });
    connection.onNotification('evolve/status', (p: StatusParams) => {
      client.statuses.push(p);
      client.statusWaiters = client.statusWaiters.filter((w) => !(w.match(p) && (w.resolve(p), true)));
    });
    connection.onNotification('$/progress', (p: unknown) => {
      client.progress.push(p);
    });
    connection.onNotification('window/logMessage', () => undefined);
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('window/workDoneProgress/create', () => null);
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => client.settings));
    connection.onRequest('workspace/diagnostic/refresh', () => {
      client.refreshes++;
      return null;
    });
    connection.onRequest('window/showDocument', (p: { uri: string }) => {
      client.shownDocuments.push(p.uri);
      return { success: true };
    });
    connection.listen();
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`dist/server.js exited with code ${code} during initialize:\n${client.stderr}`))),
    );
    const init = (await Promise.race([exited, connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: uriOf(workspace),
      workspaceFolders: [{ uri: uriOf(workspace), name: 'ws' }],
      capabilities: caps,
      initializationOptions,
    })])) as InitializeResult;
    exited.catch(() => undefined); // a later exit is the test's business (stop() waits for it)
    await connection.sendNotification('initialized', {});
    return { client, init };
  }

  /** The next (or an already received) publishDiagnostics for `uri` that satisfies `match`. */
  diagnosticsFor(uri: string, match: (p: PublishDiagnosticsParams) => boolean = () => true, sinceIndex = 0): Promise<PublishDiagnosticsParams> {
    const done = this.published.slice(sinceIndex).find((p) => p.uri === uri && match(p));
    if (done) return Promise.resolve(done);
    const waiting = new Promise<PublishDiagnosticsParams>((resolve) => this.diagnosticWaiters.push({ match: (p) => p.uri === uri && match(p), resolve }));
    return this.orFail(waiting, () => `no matching diagnostics for ${uri}; received: ${JSON.stringify(this.published.filter((p) => p.uri === uri).slice(-3))}`);
  }

  status(match: (s: StatusParams) => boolean, sinceIndex = 0): Promise<StatusParams> {
    const done = this.statuses.slice(sinceIndex).find(match);
    if (done) return Promise.resolve(done);
    const waiting = new Promise<StatusParams>((resolve) => this.statusWaiters.push({ match, resolve }));
    return this.orFail(waiting, () => `no matching evolve/status; received: ${JSON.stringify(this.statuses.slice(-3))}`);
  }

  /**
   * A bound on waiting for the server (not a sleep: the wait ends as soon as the message arrives), so a
   * message that never comes fails the test with what did come, instead of hanging the suite.
   */
  private orFail<T>(waiting: Promise<T>, describe: () => string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const failed = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${describe()}\nserver stderr: ${this.stderr.slice(-2000)}`)), WAIT_LIMIT_MS);
    });
    return Promise.race([waiting, failed]).finally(() => clearTimeout(timer));
  }

  async open(path: string, text: string): Promise<string> {
    const uri = uriOf(path);
    this.versions.set(uri, 1);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: path.endsWith('.ts') ? 'typescript' : 'javascript', version: 1, text } });
    return uri;
  }

  /** Replaces the whole text; returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  /** shutdown + exit, as an editor does; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    await this.connection.sendRequest('shutdown');
    await this.connection.sendNotification('exit');
    const code = await exited;
    this.connection.dispose();
    return code;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  get serverStderr(): string {
    return this.stderr;
  }
}

/** Applies a WorkspaceEdit's edits for `uri` to `text` (documentChanges or changes form). */
export function applyWorkspaceEdit(text: string, uri: string, edit: WorkspaceEdit): string {
  const edits: TextEdit[] = [];
  for (const change of edit.documentChanges ?? []) {
    if ('textDocument' in change && change.textDocument.uri === uri) edits.push(...(change.edits as TextEdit[]));
  }
  edits.push(...(edit.changes?.[uri] ?? []));
  return TextDocument.applyEdits(TextDocument.create(uri, 'typescript', 0, text), edits);
}

export function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((l) => l.includes(needle));
  if (line < 0) throw new Error(`"${needle}" not found in the fixture`);
  return line;
}

/** Evolve's diagnostics in a publish or pull report; with `rule`, only that rule's (other rules may fire on the same code). */
export function evolveDiagnostics(p: PublishDiagnosticsParams | { items: Diagnostic[] }, rule?: string): Diagnostic[] {
  return ('items' in p ? p.items : p.diagnostics).filter((d) => d.source === 'evolve' && (!rule || d.code === rule));
}
