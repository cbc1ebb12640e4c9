// Entry of the Evolve language server: only wires LSP messages to server/src/lsp. Started over IPC
// by the VS Code client, or standalone with `node dist/server.js --stdio` by any LSP editor.
import { createConnection, ErrorCodes, ProposedFeatures, ResponseError } from 'vscode-languageserver/node';
import { rehearseCodeLenses } from './lsp/code-lens';
import { EvolveLanguageServer } from './lsp/lifecycle';
import { LintWorkspaceRequest, ListSnapshotsRequest, type ListSnapshotsParams } from './lsp/protocol';

const connection = createConnection(ProposedFeatures.all);
const server = new EvolveLanguageServer(connection);
const { service } = server;

/** After `shutdown` a client only sends `exit`: LSP says any other request is refused with InvalidRequest. */
const live = <H extends (...args: never[]) => unknown>(handler: H): H =>
  ((...args: Parameters<H>) => {
    if (server.isShutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'The Evolve language server is shutting down: send this request to the server that replaces it.');
    return handler(...args);
  }) as H;

connection.onInitialize((params) => server.initialize(params));
connection.onInitialized(() => server.initialized());
connection.onDidChangeConfiguration(() => server.configurationChanged());
connection.onDidChangeWatchedFiles((params) => server.watchedFilesChanged(params));
connection.onExecuteCommand(live((params, token, workDone) => server.executeCommand(params, token, workDone)));
connection.onRequest(LintWorkspaceRequest, live(() => server.lintWorkspace()));
connection.onRequest(ListSnapshotsRequest, live((params: ListSnapshotsParams) => server.rehearsals.listSnapshots(params)));
connection.onCodeLens(live((params) => rehearseCodeLenses(service, params)));
connection.onShutdown(() => server.shutdown());

service.documents.onDidOpen(({ document }) => service.documentOpened(document));
service.documents.onDidChangeContent(({ document }) => service.documentChanged(document));
service.documents.onDidClose(({ document }) => service.documentClosed(document, service.settings.scanWorkspace));
connection.languages.diagnostics.on(live((params, token) => service.pullDiagnostics(params, token)));
connection.onCodeAction(live((params) => service.codeActions(params)));

service.documents.listen(connection);
connection.listen();
