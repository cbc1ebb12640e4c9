// The snapshot a rehearsal copies, picked in a quick pick: the named snapshots of evolve.config.json
// (from the server, credentials removed), recent files and URLs of this workspace, "Browse for a
// file…", "Browse for a PGlite data folder…" and "Enter a URL…". Recents never hold a password: a
// recent URL that had one asks for it again.
import * as vscode from 'vscode';
import type { SnapshotChoice } from '../../../server/src/lsp/protocol';
import { redactSource } from '../../../server/src/rehearsal/protocol';
import { readRecents, REDACTED, urlProblem, withRecent, type Recent } from './recents';

/** What the server is asked to copy (a config name, a path or a URL), and how people see it. */
export interface PickedSnapshot {
  value: string;
  label: string;
}

const RECENTS_KEY = 'evolve.rehearsal.recentSnapshots';

type Item = vscode.QuickPickItem & { pick?: () => Promise<PickedSnapshot | undefined> };

export class SnapshotPicker {
  constructor(private readonly state: vscode.Memento) {}

  async pick(script: vscode.Uri, named: SnapshotChoice[]): Promise<PickedSnapshot | undefined> {
    const items: Item[] = [];
    if (named.length > 0) items.push({ label: 'evolve.config.json', kind: vscode.QuickPickItemKind.Separator });
    for (const choice of [...named].sort((a, b) => Number(b.isDefault) - Number(a.isDefault))) {
      items.push({
        label: `$(database) ${choice.name}`,
        description: `${choice.engine} · ${choice.label}${choice.isDefault ? ' · default' : ''}`,
        detail: choice.problem ? `$(warning) ${choice.problem}` : undefined,
        pick: async () => ({ value: choice.name, label: `${choice.name} (${choice.label})` }),
      });
    }
    const recents = this.recents();
    if (recents.length > 0) items.push({ label: 'recent', kind: vscode.QuickPickItemKind.Separator });
    for (const recent of recents) {
      items.push({
        label: `$(history) ${recent.kind === 'url' ? recent.value : vscode.workspace.asRelativePath(recent.value)}`,
        description: recent.kind === 'url' ? 'PostgreSQL' : recent.kind === 'folder' ? 'PGlite data folder' : 'file',
        pick: () => this.fromRecent(recent),
      });
    }
    items.push(
      { label: 'other', kind: vscode.QuickPickItemKind.Separator },
      { label: '$(file) Browse for a file…', description: 'SQLite database or PGlite dump (.tar, .tgz)', pick: () => this.browse(script, 'file') },
      { label: '$(folder-opened) Browse for a PGlite data folder…', pick: () => this.browse(script, 'folder') },
      { label: '$(globe) Enter a URL…', description: 'postgres://user:password@host:5432/database', pick: () => this.enterUrl() },
    );
    const chosen = await vscode.window.showQuickPick(items, {
      title: `Rehearse ${vscode.workspace.asRelativePath(script)}: snapshot`,
      placeHolder: 'Which database to copy? The script runs on the copy; the source is never written.',
      matchOnDescription: true,
    });
    return chosen?.pick?.();
  }

  private recents(): Recent[] {
    return readRecents(this.state.get<unknown>(RECENTS_KEY));
  }

  private async remember(recent: Recent): Promise<void> {
    await this.state.update(RECENTS_KEY, withRecent(this.recents(), recent));
  }

  private async fromRecent(recent: Recent): Promise<PickedSnapshot | undefined> {
    if (recent.kind === 'url' && recent.value.includes(REDACTED)) return this.enterUrl(recent.value);
    await this.remember(recent);
    return { value: recent.value, label: recent.kind === 'url' ? recent.value : vscode.workspace.asRelativePath(recent.value) };
  }

  private async browse(script: vscode.Uri, kind: 'file' | 'folder'): Promise<PickedSnapshot | undefined> {
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: kind === 'file',
      canSelectFolders: kind === 'folder',
      canSelectMany: false,
      defaultUri: vscode.workspace.getWorkspaceFolder(script)?.uri,
      openLabel: 'Rehearse on a copy of this',
      title: kind === 'file' ? 'SQLite database or PGlite dump to copy' : 'PGlite data folder to copy',
      ...(kind === 'file' ? { filters: { 'SQLite database': ['db', 'sqlite', 'sqlite3', 'db3'], 'PGlite dump': ['tar', 'tgz', 'gz'], 'All files': ['*'] } } : {}),
    });
    const uri = picked?.[0];
    if (!uri) return undefined;
    await this.remember({ kind, value: uri.fsPath });
    return { value: uri.fsPath, label: vscode.workspace.asRelativePath(uri) };
  }

  /** A postgres:// URL; `start` is a recent one whose password was removed and must be typed again. */
  async enterUrl(start?: string): Promise<PickedSnapshot | undefined> {
    const at = start?.indexOf(REDACTED) ?? -1;
    const url = await vscode.window.showInputBox({
      title: 'PostgreSQL database to copy into a scratch database',
      prompt: start ? 'Type the password again in place of ***: Evolve never stores it.' : 'The password, if any, is used for this run only and never stored.',
      placeHolder: 'postgres://user:password@host:5432/database',
      value: start,
      valueSelection: at >= 0 ? [at, at + REDACTED.length] : undefined,
      ignoreFocusOut: true,
      validateInput: urlProblem,
    });
    if (!url) return undefined;
    await this.remember({ kind: 'url', value: url.trim() });
    return { value: url.trim(), label: redactSource(url.trim()) };
  }
}
