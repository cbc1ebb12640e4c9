// "▶ Rehearse against snapshot" above an evolve script's entry point, served by the language server
// so every LSP editor shows it. Its command is the server's own "evolve.rehearse" (the config's
// default snapshot); the VS Code client routes it to its picker and panel instead.
import type { CodeLens, CodeLensParams } from 'vscode-languageserver';
import { findEntryPoint } from '../core/entry-point';
import { REHEARSE_COMMAND, type RehearseArgs } from './protocol';
import { uriToPath, type EvolveService } from './service';

export const REHEARSE_LENS_TITLE = '▶ Rehearse against snapshot';

/** The lens for an open evolve script; none in Restricted Mode, where nothing may run. */
export function rehearseCodeLenses(service: EvolveService, params: CodeLensParams): CodeLens[] {
  const uri = params?.textDocument?.uri;
  const path = typeof uri === 'string' ? uriToPath(uri) : undefined;
  const doc = path && service.documents.get(uri);
  if (!path || !doc || !service.workspaceTrusted || !service.configs.isEvolveScript(path)) return [];
  const entry = findEntryPoint(path, doc.getText());
  if (!entry) return [];
  const at = { line: entry.line, character: entry.character };
  const args: RehearseArgs = { uri };
  return [{ range: { start: at, end: at }, command: { title: REHEARSE_LENS_TITLE, command: REHEARSE_COMMAND, arguments: [args] } }];
}
