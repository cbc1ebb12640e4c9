// Entry of the Evolve language server: only wires LSP messages to server/src/lsp. Started over IPC
// by the VS Code client, or standalone with `node dist/server.js --stdio` by any LSP editor.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { rehearseCodeLenses } from './lsp/code-lens';
import { EvolveLanguageServer } from './lsp/lifecycle';
import { LintWorkspaceRequest, ListSnapshotsRequest } from './lsp/protocol';

const connection = createConnection(ProposedFeatures.all);
const server = new EvolveLanguageServer(connection);
const { service } = server;

connection.onInitialize((params) => server.initialize(params));
connection.onInitialized(() => server.initialized());
connection.onDidChangeConfiguration(() => server.configurationChanged());
connection.onDidChangeWatchedFiles((params) => server.watchedFilesChanged(params));
connection.onExecuteCommand((params, token, workDone) => server.executeCommand(params, token, workDone));
connection.onRequest(LintWorkspaceRequest, () => server.lintWorkspace());
connection.onRequest(ListSnapshotsRequest, (params) => server.rehearsals.listSnapshots(params));
connection.onCodeLens((params) => rehearseCodeLenses(service, params));
connection.onShutdown(() => server.shutdown());

service.documents.onDidOpen(({ document }) => service.documentOpened(document));
service.documents.onDidChangeContent(({ document }) => service.documentChanged(document));
service.documents.onDidClose(({ document }) => service.documentClosed(document, service.settings.scanWorkspace));
connection.languages.diagnostics.on((params, token) => service.pullDiagnostics(params, token));
connection.onCodeAction((params) => service.codeActions(params));

service.documents.listen(connection);
connection.listen();
