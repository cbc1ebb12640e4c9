// Offset edits (core TextEdit) -> LSP WorkspaceEdit. Edits to the document being fixed carry its
// version in `documentChanges`, so a client applies them only to the text they were computed for.
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentEdit, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { TextEdit } from '../core/types';

/** A file's current text and, when it is open in the editor, its version. */
export interface EditTarget {
  uri: string;
  text: string;
  version: number | null;
}

export interface EditContext {
  /** The document the code action is for: edits without `file` apply to it. */
  document: EditTarget;
  /** Another file named by an edit (absolute path): its open or on-disk text. */
  resolve(path: string): EditTarget | undefined;
  /** Whether the client accepts `documentChanges` (versioned edits). */
  documentChanges: boolean;
}

export function toWorkspaceEdit(edits: readonly TextEdit[], ctx: EditContext): WorkspaceEdit | undefined {
  const byUri = new Map<string, { target: EditTarget; edits: LspTextEdit[] }>();
  const docs = new Map<string, TextDocument>();
  for (const edit of edits) {
    const target = edit.file ? ctx.resolve(edit.file) : ctx.document;
    if (!target) return undefined; // a file the fix needs is gone: offer nothing rather than half a fix
    let doc = docs.get(target.uri);
    if (!doc) {
      doc = TextDocument.create(target.uri, 'typescript', target.version ?? 0, target.text);
      docs.set(target.uri, doc);
    }
    const entry = byUri.get(target.uri) ?? { target, edits: [] };
    entry.edits.push({ range: { start: doc.positionAt(edit.start), end: doc.positionAt(edit.end) }, newText: edit.newText });
    byUri.set(target.uri, entry);
  }
  if (byUri.size === 0) return undefined;
  if (ctx.documentChanges) {
    const documentChanges: TextDocumentEdit[] = [...byUri.values()].map(({ target, edits: e }) => ({
      textDocument: { uri: target.uri, version: target.version },
      edits: e,
    }));
    return { documentChanges };
  }
  const changes: Record<string, LspTextEdit[]> = {};
  for (const [uri, { edits: e }] of byUri) changes[uri] = e;
  return { changes };
}

/** Whether two fixes touch the same text: "fix all" keeps the first of two such fixes (ESLint does the same). */
export function overlaps(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  return a.some((x) => b.some((y) => (x.file ?? '') === (y.file ?? '') && x.start < y.end && y.start < x.end)) ||
    a.some((x) => b.some((y) => (x.file ?? '') === (y.file ?? '') && x.start === y.start && x.end === y.end));
}
