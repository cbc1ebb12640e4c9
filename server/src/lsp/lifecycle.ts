// The server's session: capabilities, settings, watched files and workspace folders, and the
// commands it executes. server.ts only connects these methods to LSP messages.
import {
  CodeLensRefreshRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  TextDocumentSyncKind,
  type CancellationToken,
  type Connection,
  type DidChangeWatchedFilesParams,
  type ExecuteCommandParams,
  type InitializeParams,
  type InitializeResult,
  type WorkDoneProgressReporter,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver';
import { CONFIG_FILE_NAME } from '../core/config';
import {
  ADD_RUNTIME_COMMAND,
  CANCEL_REHEARSAL_COMMAND,
  FIX_ALL_KIND,
  REHEARSE_COMMAND,
  readSettings,
  SETTINGS_SECTION,
  SHOW_DOCUMENTATION_COMMAND,
  type AddRuntimeArgs,
  type EvolveInitializationOptions,
  type LintWorkspaceResult,
} from './protocol';
import { invalidParams } from './request-params';
import { Rehearsals } from './rehearsals';
import { clientAbilities, EvolveService, uriToPath } from './service';
import { WorkspaceScanner } from './workspace-scanner';

/** Scripts and the helpers they import: their changes on disk can change findings. */
const SCRIPT_FILES_GLOB = '**/*.{ts,js,mjs,cjs,mts,cts}';

const isConfigFile = (uri: string) => uri.endsWith(`/${CONFIG_FILE_NAME}`);

export class EvolveLanguageServer {
  readonly service: EvolveService;
  readonly rehearsals: Rehearsals;
  private readonly scanner: WorkspaceScanner;
  private supportsWorkDoneProgress = false;
  private supportsCodeLensRefresh = false;
  private initializationOptions: unknown;
  private supportsWorkspaceFolders = false;
  /** Settles once registrations and settings are done: later notifications wait for it, or a config
   * change arriving meanwhile would act on default settings (e.g. scan a workspace the user opted out of). */
  private ready: Promise<void> = Promise.resolve();
  /** Set by `shutdown`; server.ts refuses every later request. */
  isShutDown = false;

  constructor(private readonly connection: Connection) {
    this.service = new EvolveService(connection);
    this.scanner = new WorkspaceScanner(this.service);
    const { service } = this;
    this.rehearsals = new Rehearsals({
      connection,
      configs: service.configs,
      workspaceTrusted: () => service.workspaceTrusted,
      nodePath: () => service.settings.nodePath,
      supportsWorkDoneProgress: () => this.supportsWorkDoneProgress,
    });
  }

  initialize(params: InitializeParams): InitializeResult {
    const { service } = this;
    service.abilities = clientAbilities(params);
    this.initializationOptions = params.initializationOptions;
    service.workspaceTrusted = (params.initializationOptions as EvolveInitializationOptions | undefined)?.workspaceTrusted !== false;
    this.supportsWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
    this.supportsWorkDoneProgress = !!params.capabilities.window?.workDoneProgress;
    this.supportsCodeLensRefresh = !!params.capabilities.workspace?.codeLens?.refreshSupport;
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : undefined];
    service.configs.setRoots(folders.filter((f): f is string => !!f));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: false },
        executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND, ADD_RUNTIME_COMMAND, REHEARSE_COMMAND, CANCEL_REHEARSAL_COMMAND] },
        codeLensProvider: { resolveProvider: false },
        // Helpers are analysed across files, so a change in one file can change another's diagnostics.
        ...(service.abilities.pullDiagnostics
          ? { diagnosticProvider: { identifier: 'evolve', interFileDependencies: true, workspaceDiagnostics: false } }
          : {}),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'evolve-language-server', version: '0.1.0' },
    };
  }

  async initialized(): Promise<void> {
    this.ready = this.setUp();
    await this.ready;
    if (this.service.settings.scanWorkspace) await this.scanner.run();
    else this.service.sendStatus();
  }

  private async setUp(): Promise<void> {
    const { connection, service } = this;
    // Only clients that announced workspace folder support may be asked for their change events.
    if (this.supportsWorkspaceFolders) connection.workspace.onDidChangeWorkspaceFolders((e) => this.workspaceFoldersChanged(e));
    if (service.abilities.watchedFilesRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }, { globPattern: SCRIPT_FILES_GLOB }],
      });
    }
    if (service.abilities.workspaceConfiguration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
    }
    await this.loadSettings();
  }

  /** Settings from workspace/configuration, else from initializationOptions.settings (other editors). */
  private async loadSettings(): Promise<void> {
    const fromClient = this.service.abilities.workspaceConfiguration
      ? await this.connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).catch(() => undefined)
      : undefined;
    const options = this.initializationOptions as { settings?: unknown } | undefined;
    this.service.settings = readSettings(fromClient ?? options?.settings);
  }

  async configurationChanged(): Promise<void> {
    await this.ready;
    const before = this.service.settings.scanWorkspace;
    await this.loadSettings();
    if (this.service.settings.scanWorkspace && !before) await this.scanner.run();
    if (!this.service.settings.scanWorkspace && before) this.scanner.clear();
  }

  async watchedFilesChanged({ changes }: DidChangeWatchedFilesParams): Promise<void> {
    await this.ready;
    const { service } = this;
    if (changes.some((c) => isConfigFile(c.uri))) {
      // A config can change which files are scripts and every severity: start over.
      service.configFileChanged();
      // Which files are scripts, and so which show the rehearse code lens, may have changed too.
      if (this.supportsCodeLensRefresh) this.connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      if (service.settings.scanWorkspace) await this.scanner.run();
      return;
    }
    const scripts = changes.filter((c) => !c.uri.includes('/node_modules/'));
    if (scripts.length > 0) service.filesChangedOnDisk(scripts, service.settings.scanWorkspace);
  }

  async workspaceFoldersChanged({ added, removed }: WorkspaceFoldersChangeEvent): Promise<void> {
    await this.ready;
    const { configs } = this.service;
    const gone = new Set(removed.map((f) => uriToPath(f.uri)));
    const roots = configs.getRoots().filter((r) => !gone.has(r));
    roots.push(...added.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f));
    configs.setRoots(roots);
    if (this.service.settings.scanWorkspace) await this.scanner.run();
  }

  /** "Add evolve-runtime to this project"; "Show documentation": opens the rule page in the browser where the client can, else shows the URL. */
  async executeCommand({ command, arguments: args }: ExecuteCommandParams, token: CancellationToken, workDone: WorkDoneProgressReporter): Promise<unknown> {
    if (command === REHEARSE_COMMAND) return this.rehearsals.rehearse(args, token, workDone);
    if (command === CANCEL_REHEARSAL_COMMAND) return this.rehearsals.cancel(args);
    if (command === ADD_RUNTIME_COMMAND) {
      const uri = (args?.[0] as Partial<AddRuntimeArgs> | undefined)?.uri;
      const path = typeof uri === 'string' ? uriToPath(uri) : undefined;
      if (!path) throw invalidParams(command, 'the argument must be { uri } with the file: URI of the script to add evolve-runtime for');
      await this.service.runtime.add(path);
      return;
    }
    if (command !== SHOW_DOCUMENTATION_COMMAND) throw invalidParams('workspace/executeCommand', `unknown command ${JSON.stringify(command)}`);
    const url = args?.[0];
    if (typeof url !== 'string') throw invalidParams(command, 'the argument must be the URL of the page to show');
    if (this.service.abilities.showDocument) await this.connection.window.showDocument({ uri: url, external: true });
    else this.connection.window.showInformationMessage(`Evolve rule documentation: ${url}`);
  }

  async lintWorkspace(): Promise<LintWorkspaceResult> {
    await this.ready;
    return this.scanner.run();
  }

  /** Running rehearsals are cancelled and waited for, so none leaves a snapshot behind. */
  async shutdown(): Promise<void> {
    this.isShutDown = true;
    this.scanner.cancel();
    this.service.dispose();
    await this.rehearsals.dispose();
  }
}
