// The status bar item: analysing / N findings / error, from the server's evolve/status notification.
// A click opens the output channel, where the server logs what went wrong.
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/lsp/protocol';

export class EvolveStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evolve.status', vscode.StatusBarAlignment.Left, 10);

  constructor(showOutputCommand: string) {
    this.item.name = 'Evolve';
    this.item.command = showOutputCommand;
    this.starting();
    this.item.show();
  }

  starting(): void {
    this.set('$(sync~spin) Evolve', 'Evolve: starting the language server…');
  }

  update(status: StatusParams): void {
    const restricted = vscode.workspace.isTrusted
      ? ''
      : '\n\nRestricted mode: Evolve lints only; anything that runs scripts needs a trusted workspace.';
    switch (status.state) {
      case 'starting':
        return this.starting();
      case 'analysing':
        return this.set('$(sync~spin) Evolve', `Evolve: analysing… (${this.describe(status)} so far)${restricted}`);
      case 'error':
        return this.set('$(error) Evolve', `Evolve: ${status.message ?? 'error'}\n\nClick to open the output.`, true);
      case 'ready':
        return this.set(
          status.findings > 0 ? `$(warning) Evolve: ${status.findings}` : '$(check) Evolve',
          `Evolve: ${this.describe(status)}${restricted}\n\nClick to open the output.`,
        );
    }
  }

  /** The server is not running (failed to start or crashed for good). */
  failed(message: string): void {
    this.set('$(error) Evolve', `Evolve: ${message}\n\nClick to open the output.`, true);
  }

  private describe(status: StatusParams): string {
    if (status.findings === 0) return 'no findings';
    const findings = `${status.findings} finding${status.findings === 1 ? '' : 's'}`;
    return `${findings} in ${status.files} file${status.files === 1 ? '' : 's'}`;
  }

  private set(text: string, tooltip: string, error = false): void {
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
  }

  dispose(): void {
    this.item.dispose();
  }
}
