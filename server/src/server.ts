// Entry of the Evolve language server: only wires LSP handlers to server/src/lsp. Started over IPC
// by the VS Code client, or standalone with `node dist/server.js --stdio` by any LSP editor.
import {
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocumentSyncKind,
  type InitializeResult,
  type WorkspaceFoldersChangeEvent,
} from 'vscode-languageserver/node';
import { CONFIG_FILE_NAME } from './core/config';
import { readSettings, LintWorkspaceRequest, SETTINGS_SECTION, SHOW_DOCUMENTATION_COMMAND, FIX_ALL_KIND } from './lsp/protocol';
import { clientAbilities, EvolveService, uriToPath } from './lsp/service';
import { WorkspaceScanner } from './lsp/workspace-scanner';

/** Scripts and the helpers they import: their changes on disk can change findings. */
const SCRIPT_FILES_GLOB = '**/*.{ts,js,mjs,cjs,mts,cts}';

const connection = createConnection(ProposedFeatures.all);
const service = new EvolveService(connection);
const scanner = new WorkspaceScanner(service);
let initializationOptions: unknown;
let supportsWorkspaceFolders = false;

connection.onInitialize((params): InitializeResult => {
  service.abilities = clientAbilities(params);
  initializationOptions = params.initializationOptions;
  supportsWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
  const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : undefined];
  service.configs.setRoots(folders.filter((f): f is string => !!f));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: ['quickfix', FIX_ALL_KIND], resolveProvider: false },
      executeCommandProvider: { commands: [SHOW_DOCUMENTATION_COMMAND] },
      // Helpers are analysed across files, so a change in one file can change another's diagnostics.
      ...(service.abilities.pullDiagnostics ? { diagnosticProvider: { identifier: 'evolve', interFileDependencies: true, workspaceDiagnostics: false } } : {}),
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'evolve-language-server', version: '0.1.0' },
  };
});

async function workspaceFoldersChanged({ added, removed }: WorkspaceFoldersChangeEvent): Promise<void> {
  const gone = new Set(removed.map((f) => uriToPath(f.uri)));
  const roots = service.configs.getRoots().filter((r) => !gone.has(r));
  roots.push(...added.map((f) => uriToPath(f.uri)).filter((f): f is string => !!f));
  service.configs.setRoots(roots);
  if (service.settings.scanWorkspace) await scanner.run();
}

async function loadSettings(): Promise<void> {
  const fromClient = service.abilities.workspaceConfiguration
    ? await connection.workspace.getConfiguration({ section: SETTINGS_SECTION }).catch(() => undefined)
    : undefined;
  const options = initializationOptions as { settings?: unknown } | undefined;
  service.settings = readSettings(fromClient ?? options?.settings);
}

connection.onInitialized(async () => {
  // Only clients that announced workspace folder support may be asked for their change events.
  if (supportsWorkspaceFolders) connection.workspace.onDidChangeWorkspaceFolders(workspaceFoldersChanged);
  if (service.abilities.watchedFilesRegistration) {
    await connection.client.register(DidChangeWatchedFilesNotification.type, {
      watchers: [{ globPattern: `**/${CONFIG_FILE_NAME}` }, { globPattern: SCRIPT_FILES_GLOB }],
    });
  }
  if (service.abilities.workspaceConfiguration) {
    await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION }).catch(() => undefined);
  }
  await loadSettings();
  if (service.settings.scanWorkspace) await scanner.run();
  else service.sendStatus();
});

connection.onDidChangeConfiguration(async () => {
  const before = service.settings.scanWorkspace;
  await loadSettings();
  if (service.settings.scanWorkspace && !before) await scanner.run();
  if (!service.settings.scanWorkspace && before) scanner.clear();
});

connection.onDidChangeWatchedFiles(async ({ changes }) => {
  const scripts = changes.filter((c) => !c.uri.endsWith(`/${CONFIG_FILE_NAME}`) && !c.uri.includes('/node_modules/'));
  if (scripts.length < changes.length) {
    // Another config can change which files are scripts and every severity: start over.
    service.configFileChanged();
    if (service.settings.scanWorkspace) await scanner.run();
  } else if (scripts.length > 0) {
    service.filesChangedOnDisk(scripts, service.settings.scanWorkspace);
  }
});

service.documents.onDidOpen(({ document }) => service.documentOpened(document));
service.documents.onDidChangeContent(({ document }) => service.documentChanged(document));
service.documents.onDidClose(({ document }) => service.documentClosed(document, service.settings.scanWorkspace));

connection.languages.diagnostics.on((params, token) => service.pullDiagnostics(params, token));
connection.onCodeAction((params) => service.codeActions(params));
connection.onExecuteCommand(async ({ command, arguments: args }) => {
  const url = args?.[0];
  if (command !== SHOW_DOCUMENTATION_COMMAND || typeof url !== 'string') return;
  if (service.abilities.showDocument) await connection.window.showDocument({ uri: url, external: true });
  else connection.window.showInformationMessage(`Evolve rule documentation: ${url}`);
});
connection.onRequest(LintWorkspaceRequest, () => scanner.run());
connection.onShutdown(() => {
  scanner.cancel();
  service.dispose();
});

service.documents.listen(connection);
connection.listen();
