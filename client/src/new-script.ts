// "Evolve: New Evolve Script": asks for the library (from the workspace's package.json), the runner
// shape, the table or collection and a name, then writes the template (server/src/core/templates)
// into the scripts folder of evolve.config.json (default `scripts/`) and opens it.
import * as vscode from 'vscode';
import { parseConfig, CONFIG_FILE_NAME } from '../../server/src/core/config';
import {
  librariesIn,
  newScript,
  scriptsFolder,
  SHAPE_LABELS,
  shapesFor,
  tableNameProblem,
  TEMPLATE_LIBRARIES,
  type RunnerShape,
  type TemplateLibrary,
} from '../../server/src/core/templates/new-script';

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

async function pickLibrary(folder: vscode.WorkspaceFolder): Promise<TemplateLibrary | undefined> {
  const pkgText = await readText(vscode.Uri.joinPath(folder.uri, 'package.json'));
  let found: TemplateLibrary[] = [];
  try {
    found = pkgText ? librariesIn(JSON.parse(pkgText)) : [];
  } catch {
    void vscode.window.showWarningMessage(`Evolve: ${folder.name}/package.json is not valid JSON; showing every supported library.`);
  }
  const items = TEMPLATE_LIBRARIES.map((library) => ({
    label: library,
    description: found.includes(library) ? 'in package.json' : 'not in package.json',
  })).sort((a, b) => Number(found.includes(b.label)) - Number(found.includes(a.label)));
  return (await vscode.window.showQuickPick(items, { title: 'New Evolve Script: database library' }))?.label;
}

async function pickShape(library: TemplateLibrary): Promise<RunnerShape | undefined> {
  const shapes = shapesFor(library);
  if (shapes.length === 1) return shapes[0];
  const items = shapes.map((shape) => ({ label: SHAPE_LABELS[shape], shape }));
  return (await vscode.window.showQuickPick(items, { title: `New Evolve Script: how it runs (${library})` }))?.shape;
}

/** What the command may be given (by a keybinding, a task, a test) instead of asking. */
export interface NewScriptArgs {
  library?: TemplateLibrary;
  shape?: RunnerShape;
  table?: string;
  name?: string;
}

export async function newEvolveScript(args: NewScriptArgs = {}): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.length === 1
    ? vscode.workspace.workspaceFolders[0]
    : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the new evolve script' });
  if (!folder) {
    if (!vscode.workspace.workspaceFolders?.length) void vscode.window.showErrorMessage('Evolve: open a folder first; new scripts go into its scripts folder.');
    return;
  }
  const library = args.library ?? (await pickLibrary(folder));
  const shape = library && (args.shape ?? (await pickShape(library)));
  if (!library || !shape) return;
  const collection = library === 'mongodb';
  const table = args.table ?? await vscode.window.showInputBox({
    title: `New Evolve Script: the ${collection ? 'collection' : 'table'} it walks`,
    placeHolder: collection ? 'customers' : 'users',
    validateInput: tableNameProblem,
  });
  const name = table && (args.name ?? (await vscode.window.showInputBox({ title: 'New Evolve Script: what it does', placeHolder: 'backfill display names' })));
  if (!table || !name) return;

  const configUri = vscode.Uri.joinPath(folder.uri, CONFIG_FILE_NAME);
  const configText = await readText(configUri);
  const include = configText === undefined ? undefined : parseConfig(configText, configUri.fsPath).config.include;
  const script = newScript({ library, shape, table, name });
  const target = vscode.Uri.joinPath(folder.uri, scriptsFolder(include, shape), script.fileName);
  if ((await readText(target)) !== undefined) {
    void vscode.window.showErrorMessage(`Evolve: ${vscode.workspace.asRelativePath(target)} already exists; pick another name.`);
    return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(script.text));
  await vscode.window.showTextDocument(target);
}
