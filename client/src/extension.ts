// The VS Code client: starts the bundled language server (dist/server.js) over IPC, shows its state
// in the status bar, and contributes the "Evolve" commands. Activation errors are shown, never swallowed.
import * as vscode from 'vscode';
import { LanguageClient, State, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import {
  ClientCommands,
  LANGUAGE_SERVER_ID,
  LintWorkspaceRequest,
  PickVendorFolderRequest,
  StatusNotification,
  type EvolveInitializationOptions,
} from '../../server/src/lsp/protocol';
import { newEvolveScript, type NewScriptArgs } from './new-script';
import { RehearseCommand, rehearseLensMiddleware } from './rehearse/rehearse-command';
import { EvolveStatusBar } from './status-bar';

let client: LanguageClient | undefined;

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Which of these files are evolve scripts is decided by evolve.config.json, on the server.
    documentSelector: [
      { scheme: 'file', language: 'typescript' },
      { scheme: 'file', language: 'javascript' },
    ],
    outputChannel: output,
    // Restricted Mode: the server still lints but never runs anything (e.g. a package manager).
    initializationOptions: { workspaceTrusted: vscode.workspace.isTrusted } satisfies EvolveInitializationOptions,
    middleware: rehearseLensMiddleware,
  };
  // The id makes `evolve.trace.server` control protocol tracing.
  return new LanguageClient(LANGUAGE_SERVER_ID, 'Evolve', serverOptions, clientOptions);
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the extension exports: every rehearsal event and report of this window, as they come. */
export interface EvolveApi {
  onDidRehearsalEvent: RehearseCommand['onDidRehearsalEvent'];
  onDidFinishRehearsal: RehearseCommand['onDidFinishRehearsal'];
}

export async function activate(context: vscode.ExtensionContext): Promise<EvolveApi> {
  const output = vscode.window.createOutputChannel('Evolve', { log: true });
  const status = new EvolveStatusBar(ClientCommands.showOutput);
  const rehearse = new RehearseCommand(context, () => client, (message) => output.warn(message));
  context.subscriptions.push(output, status, rehearse, ...rehearse.commands());

  const start = async (): Promise<void> => {
    status.starting();
    const started = createClient(context, output);
    started.onDidChangeState(({ newState }) => {
      if (newState === State.Stopped) status.failed('the language server stopped (see the output; run "Evolve: Restart Server")');
    });
    context.subscriptions.push(
      started.onNotification(StatusNotification, (params) => status.update(params)),
      ...rehearse.listen(started),
      started.onRequest(PickVendorFolderRequest, async ({ defaultFolder }) => {
        const picked = await vscode.window.showOpenDialog({
          canSelectFolders: true,
          canSelectFiles: false,
          canSelectMany: false,
          defaultUri: vscode.Uri.file(defaultFolder),
          openLabel: 'Vendor evolve-runtime here',
          title: 'Folder for the vendored evolve-runtime (evolve-runtime.js and its types)',
        });
        return picked?.[0]?.fsPath ?? null;
      }),
    );
    client = started;
    await started.start();
  };

  // Not awaited: activation must not wait for the user to dismiss the message.
  const reportFailure = (what: string, err: unknown): void => {
    const message = `${what}: ${describe(err)}`;
    output.error(message);
    status.failed(message);
    void vscode.window.showErrorMessage(`Evolve: ${message}`, 'Show Output').then((choice) => choice && output.show(true));
  };

  context.subscriptions.push(
    vscode.commands.registerCommand(ClientCommands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(ClientCommands.restartServer, async () => {
      try {
        // dispose() stops the server and frees the old client's handlers before a fresh start.
        if (client) await client.dispose();
        await start();
      } catch (err) {
        reportFailure('Restarting the language server failed', err);
      }
    }),
    vscode.commands.registerCommand(ClientCommands.newScript, (args?: NewScriptArgs) =>
      newEvolveScript(args).catch((err) => vscode.window.showErrorMessage(`Evolve: New Evolve Script failed: ${describe(err)}`)),
    ),
    vscode.commands.registerCommand(ClientCommands.lintWorkspace, async () => {
      if (!client?.isRunning()) return reportFailure('Cannot lint the workspace', new Error('the language server is not running'));
      const result = await client.sendRequest(LintWorkspaceRequest);
      vscode.window.showInformationMessage(
        `Evolve: ${result.findings} finding${result.findings === 1 ? '' : 's'} in ${result.files} evolve script${result.files === 1 ? '' : 's'}.`,
      );
    }),
  );

  // The server learns of trust at start: granting it restarts the server with it.
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.commands.executeCommand(ClientCommands.restartServer)),
  );

  try {
    await start();
  } catch (err) {
    reportFailure(`The language server (${context.asAbsolutePath('dist/server.js')}) failed to start`, err);
  }
  return { onDidRehearsalEvent: rehearse.onDidRehearsalEvent, onDidFinishRehearsal: rehearse.onDidFinishRehearsal };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
