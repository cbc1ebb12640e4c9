// In the real VS Code extension host (code-server 4.139 = VS Code 1.139), with Evolve installed
// from its packaged .vsix. Every wait is on an editor event (diagnostics changes), never a sleep.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const vscode = require('vscode');

const EXTENSION_ID = 'evolve-migrations.evolve-migrations';
const TRIM = 'migrations/20240101000000_trim_user_names.js';
const SLUGS = 'migrations/20240102000000_backfill_slugs.js';
const FLAG = 'migrations/20240201000000_flag_accounts.js';
const DOCS = 'https://github.com/evolve-migrations/evolve/blob/main/docs/rules/unbatched-loop.md';

const workspaceUri = (rel) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, rel);
/** Evolve's diagnostics of one rule (other rules may report on the same code). */
const evolveDiagnostics = (uri, rule) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'evolve' && d.code?.value === rule);

/** Resolves with the file's diagnostics of `rule` once `accept` holds for them (now or after a change event). */
function diagnosticsWhen(uri, rule, accept) {
  return new Promise((resolve) => {
    const check = () => {
      const found = evolveDiagnostics(uri, rule);
      if (!accept(found)) return false;
      subscription?.dispose();
      resolve(found);
      return true;
    };
    let subscription;
    if (check()) return;
    subscription = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
  });
}

describe('Evolve in VS Code', () => {
  it('is installed from the packaged .vsix and activated by the workspace', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    assert.ok(extension.extensionPath.startsWith(process.env.EVOLVE_E2E_EXTENSIONS_DIR), `loaded from the installed .vsix: ${extension.extensionPath}`);
    await extension.activate();
    assert.ok(extension.isActive);
  });

  it('contributes its commands in the Evolve category', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['evolve.restartServer', 'evolve.showOutput', 'evolve.lintWorkspace']) assert.ok(commands.includes(id), id);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID).packageJSON;
    assert.ok(manifest.contributes.commands.every((c) => c.category === 'Evolve'));
    // Restricted Mode: linting only reads files, so it stays on; running scripts is what trust unlocks.
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.deepEqual(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations, ['evolve.nodePath']);
  });

  it('reports a script nobody opened (workspace scan)', async () => {
    const [finding] = await diagnosticsWhen(workspaceUri(SLUGS), 'unbatched-loop', (d) => d.length === 1);
    assert.equal(finding.code.value, 'unbatched-loop');
  });

  it('shows the unbatched-loop warning in an opened script, with its rule and documentation link', async () => {
    const uri = workspaceUri(TRIM);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const [finding, ...rest] = await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length > 0);
    assert.equal(rest.length, 0);
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(finding.code.value, 'unbatched-loop');
    assert.equal(finding.code.target.toString(true), DOCS);
    assert.equal(doc.lineAt(finding.range.start.line).text.trim(), 'for (const u of users) {');
  });

  it('applies the "Disable for this line" quick fix, and the warning goes away', async () => {
    const uri = workspaceUri(TRIM);
    const doc = await vscode.workspace.openTextDocument(uri);
    const before = doc.getText();
    const [finding] = await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length > 0);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, finding.range, vscode.CodeActionKind.QuickFix.value);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Show documentation for evolve rule unbatched-loop'), JSON.stringify(titles));
    const disable = actions.find((a) => a.title === 'Disable evolve rule unbatched-loop for this line');
    assert.ok(disable?.edit, JSON.stringify(titles));
    assert.ok(await vscode.workspace.applyEdit(disable.edit));
    assert.equal(
      doc.getText(),
      before.replace('  for (const u of users) {', '  // evolve-disable-next-line unbatched-loop -- reason\n  for (const u of users) {'),
    );
    await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length === 0);
  });

  it("applies missing-commit's suggestion: commit the transaction the function leaves open", async () => {
    const uri = workspaceUri(FLAG);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const before = doc.getText();
    const [finding] = await diagnosticsWhen(uri, 'missing-commit', (d) => d.length > 0);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, finding.range, vscode.CodeActionKind.QuickFix.value);
    const commit = actions.find((a) => a.title === 'Commit `trx` on every path that leaves it open');
    assert.ok(commit?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.ok(!commit.isPreferred, 'a behaviour-changing suggestion is never the preferred fix');
    assert.ok(await vscode.workspace.applyEdit(commit.edit));
    assert.equal(doc.getText(), before.replace('update({ migrated: true });\n};', 'update({ migrated: true });\n  await trx.commit();\n};'));
    // The open transaction is reported no more (a missing rollback may be, which is another finding).
    await diagnosticsWhen(uri, 'missing-commit', (d) => !d.some((x) => x.message.startsWith('Missing commit')));
  });

  it('"Evolve: Restart Server" replaces the server, which reports again', async () => {
    const uri = workspaceUri(SLUGS);
    await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length === 1);
    const cleared = diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length === 0);
    await vscode.commands.executeCommand('evolve.restartServer');
    await cleared; // the old server's diagnostics went with it
    await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length === 1); // the new server's scan
  });

  it('"Evolve: New Evolve Script" writes a batched script into the scripts folder, and it lints clean', async () => {
    await vscode.commands.executeCommand('evolve.newScript', { library: 'knex', shape: 'plain', table: 'users', name: 'Lowercase emails' });
    const uri = workspaceUri('scripts/lowercase-emails.ts');
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.toString(), uri.toString(), 'the new script is opened');
    assert.match(editor.document.getText(), /await eachBatch\(/);
    // Proof the server analysed it: an unbatched loop appended at the end is the file's only finding.
    const end = editor.document.lineCount;
    const loop = "\nexport async function unbatched(knex: Knex): Promise<void> {\n  const users = await knex('users');\n  for (const u of users) {\n    await knex('users').where({ id: u.id }).update({ email: u.email });\n  }\n}\n";
    assert.ok(await editor.edit((b) => b.insert(new vscode.Position(end, 0), loop)));
    await diagnosticsWhen(uri, 'unbatched-loop', (d) => d.length === 1);
    const all = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'evolve');
    assert.deepEqual(all.map((d) => d.range.start.line >= end), [true], JSON.stringify(all.map((d) => d.message)));
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    fs.rmSync(uri.fsPath);
  });

  it('reloads evolve.config.json when it changes: severities follow', async () => {
    const config = workspaceUri('evolve.config.json');
    // Only the rules change: the snapshots stay, for the rehearsal suite after this one.
    const current = JSON.parse(fs.readFileSync(config.fsPath, 'utf8'));
    fs.writeFileSync(config.fsPath, JSON.stringify({ ...current, rules: { 'unbatched-loop': 'error' } }, null, 2));
    const [finding] = await diagnosticsWhen(workspaceUri(SLUGS), 'unbatched-loop', (d) => d.length === 1 && d[0].severity === vscode.DiagnosticSeverity.Error);
    assert.equal(finding.code.value, 'unbatched-loop');
  });
});
