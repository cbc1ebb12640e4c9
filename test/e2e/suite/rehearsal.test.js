// "Evolve: Rehearse Script Against Snapshot" in the real extension host: the code lens routed to the
// command, a rehearsal of a workspace script on the workspace's SQLite snapshot (the command skips
// the picker when given { uri, snapshot } and resolves with the report), and a long run cancelled.
// Every wait is on an event the extension fires (its exported API), never a sleep.
const assert = require('node:assert/strict');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const vscode = require('vscode');

const EXTENSION_ID = 'evolve-migrations.evolve-migrations';
const FAST = 'scripts/backfill-display-names.ts';
const SLOW = 'scripts/backfill-display-names-slowly.ts';
const SNAPSHOT = 'data/app.sqlite';

const workspaceUri = (rel) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, rel);
const sha256 = (uri) => createHash('sha256').update(fs.readFileSync(uri.fsPath)).digest('hex');

/** Resolves with the first value `event` fires that `match` accepts. */
function when(event, match) {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      if (!match(value)) return;
      subscription.dispose();
      resolve(value);
    });
  });
}

describe('Rehearsal from the editor', () => {
  /** The extension's exports: onDidRehearsalEvent, onDidFinishRehearsal. */
  let api;

  before(async () => {
    api = await vscode.extensions.getExtension(EXTENSION_ID).activate();
    assert.equal(typeof api.onDidRehearsalEvent, 'function');
  });

  it('contributes the commands, and the menus only for trusted workspaces', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID).packageJSON;
    const rehearse = manifest.contributes.commands.find((c) => c.command === 'evolve.rehearseScript');
    assert.equal(rehearse.title, 'Rehearse Script Against Snapshot');
    assert.ok(manifest.contributes.commands.some((c) => c.command === 'evolve.showRehearsals'));
    for (const menu of ['editor/title', 'editor/context']) {
      const entry = manifest.contributes.menus[menu].find((m) => m.command === 'evolve.rehearseScript');
      assert.match(entry.when, /isWorkspaceTrusted/, menu);
    }
  });

  it('shows the server\'s code lens above the entry point, routed to the picker command', async () => {
    const uri = workspaceUri(FAST);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
    const lens = lenses.find((l) => l.command?.title === '▶ Rehearse against snapshot');
    assert.ok(lens, JSON.stringify(lenses.map((l) => l.command?.title)));
    assert.equal(lens.command.command, 'evolve.rehearseScript');
    assert.deepEqual(lens.command.arguments, [{ uri: uri.toString() }]);
    assert.match(doc.lineAt(lens.range.start.line).text, /^export default async function backfillDisplayNames/);
  });

  it('rehearses a script on the configured SQLite snapshot: events, then the report; the source is untouched', async () => {
    const uri = workspaceUri(FAST);
    const before = sha256(workspaceUri(SNAPSHOT));
    const events = [];
    const listening = api.onDidRehearsalEvent((e) => e.uri === uri.toString() && events.push(e));
    const finished = when(api.onDidFinishRehearsal, (p) => p.uri === uri.toString());
    const report = await vscode.commands.executeCommand('evolve.rehearseScript', { uri: uri.toString(), snapshot: 'e2e' });
    listening.dispose();
    assert.equal(report?.status, 'ok', JSON.stringify(report?.error));
    assert.equal(report.batches, 10, '1,000 users in batches of 100');
    assert.deepEqual(report.tables.find((t) => t.name === 'users'), { name: 'users', rowsBefore: 1000, rowsAfter: 1000 });
    assert.deepEqual((await finished).report, report, 'the panels got the same report');
    assert.ok(events.some((e) => e.event.type === 'progress' && e.event.progress.batch?.total === 1000), 'progress with the total');
    assert.equal(events.at(-1).event.type, 'finished');
    const panels = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.includes('evolve.rehearsal'));
    assert.ok(panels.some((t) => t.label === `Rehearsal: ${FAST}`), JSON.stringify(panels.map((t) => t.label)));
    assert.equal(sha256(workspaceUri(SNAPSHOT)), before);
  });

  it('cancels a long rehearsal: it stops after the batch in flight, with status cancelled', async () => {
    const uri = workspaceUri(SLOW);
    const firstBatch = when(api.onDidRehearsalEvent, (e) => e.uri === uri.toString() && e.event.type === 'progress' && (e.event.progress.batch?.batch ?? 0) >= 1);
    const running = vscode.commands.executeCommand('evolve.rehearseScript', { uri: uri.toString(), snapshot: 'e2e' });
    const { runId } = await firstBatch;
    // The server's own command, as the panel's Cancel button and the notification send it.
    assert.equal(await vscode.commands.executeCommand('evolve.cancelRehearsal', { runId }), true);
    const report = await running;
    assert.equal(report?.status, 'cancelled', JSON.stringify(report?.error));
    assert.ok(report.batches >= 1 && report.batches < 100, `stopped early, after ${report.batches} batches`);
    assert.equal(report.transactions.openAtExit, 0);
  });
});
