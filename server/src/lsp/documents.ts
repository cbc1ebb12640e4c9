// The open documents as the client last described them. Stricter than TextDocuments' default
// updater: a didChange whose version is not newer than the text held (versions only grow, so it is
// a reordered or replayed message) or whose content changes are malformed is ignored, with a
// warning in the server log, instead of rolling the text back or throwing half-way through an
// update. Diagnostics then always describe the newest text the client sent.
import { TextDocuments, type TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { isRange } from './request-params';

/** Why a contentChanges array cannot be applied, or undefined when every change is well formed. */
export function contentChangesProblem(changes: unknown): string | undefined {
  if (!Array.isArray(changes)) return 'contentChanges is not an array';
  for (const [i, change] of changes.entries()) {
    const c = change as { text?: unknown; range?: unknown } | null;
    if (!c || typeof c !== 'object' || typeof c.text !== 'string') return `contentChanges[${i}] has no text`;
    if (c.range !== undefined && !isRange(c.range)) return `contentChanges[${i}].range is not a range`;
  }
  return undefined;
}

export function createDocuments(warn: (message: string) => void): TextDocuments<TextDocument> {
  return new TextDocuments({
    create: TextDocument.create,
    update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
      const ignored = (why: string) => {
        warn(`Ignored a textDocument/didChange for ${document.uri}: ${why}. Its diagnostics stay those of version ${document.version}.`);
        return document;
      };
      if (!Number.isInteger(version)) return ignored(`its version (${String(version)}) is not an integer`);
      if (version <= document.version) {
        return ignored(`version ${version} is not newer than version ${document.version}, which the server already has (a reordered or repeated message)`);
      }
      const problem = contentChangesProblem(changes);
      if (problem) return ignored(`${problem}; if the editor shows other text than the server analysed, close and reopen the file`);
      return TextDocument.update(document, changes, version);
    },
  });
}
