// The edit builders behind the code actions, on their own: disable comments in the places files
// put prologues, and "Fix all" combining only behaviour-preserving, non-overlapping fixes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Diagnostic } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAllAction } from '../../server/src/lsp/code-actions';
import type { EvolveDiagnosticData } from '../../server/src/lsp/diagnostics';
import { disableForFileEdit, disableForLineEdit } from '../../server/src/lsp/disable-comments';
import type { TextEdit } from '../../server/src/core/types';
import { assertParses } from './actions';

const apply = (text: string, edit: TextEdit | undefined) => {
  assert.ok(edit);
  return text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
};

test('disable for this file: after a shebang and "use strict", keeping CRLF line ends', () => {
  const text = '#!/usr/bin/env node\r\n"use strict";\r\nmain();\r\n';
  const out = apply(text, disableForFileEdit(text, 'unbatched-loop'));
  assert.equal(out, '#!/usr/bin/env node\r\n"use strict";\r\n/* evolve-disable unbatched-loop */\r\nmain();\r\n');
  assert.equal(disableForFileEdit(out, 'unbatched-loop'), undefined, 'already disabled: nothing to do');
  assert.ok(disableForFileEdit(out, 'missing-commit'), 'another rule is still offered');
});

test('disable for this file: a file that is only a prologue without a final newline', () => {
  assert.equal(apply("'use strict'", disableForFileEdit("'use strict'", 'missing-commit')), "'use strict'\n/* evolve-disable missing-commit */\n");
});

test('disable for this line: tab indentation, and nothing when the line above already disables the rule', () => {
  const text = 'async function f() {\n\tfor (const x of xs) {\n\t\tawait save(x);\n\t}\n}\n';
  const out = apply(text, disableForLineEdit(text, 1, 'unbatched-loop'));
  assert.equal(out, 'async function f() {\n\t// evolve-disable-next-line unbatched-loop -- reason\n\tfor (const x of xs) {\n\t\tawait save(x);\n\t}\n}\n');
  assertParses(out);
  assert.equal(disableForLineEdit(out, 2, 'unbatched-loop'), undefined);
  assert.ok(disableForLineEdit(out, 2, 'missing-commit'));
});

function item(fixes: EvolveDiagnosticData['fixes'], suggestions: EvolveDiagnosticData['suggestions'] = []) {
  const diagnostic: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm' };
  return { diagnostic, data: { version: 1, ruleId: 'missing-commit' as const, messageId: 'x', start: 0, end: 1, fixes, suggestions } };
}

test('fix all: behaviour-preserving fixes only, the first of two overlapping ones', () => {
  const text = 'a();\nb();\nc();\n';
  const doc = { uri: 'file:///x.js', text, version: 7 };
  const ctx = { document: doc, resolve: () => undefined, documentChanges: true };
  const action = fixAllAction(
    [
      item([{ title: 'A', edits: [{ start: 0, end: 1, newText: 'A' }], preservesBehaviour: true }]),
      item([{ title: 'A2', edits: [{ start: 0, end: 3, newText: 'AA()' }], preservesBehaviour: true }]),
      item([], [{ title: 'B', edits: [{ start: 5, end: 6, newText: 'B' }], preservesBehaviour: false }]),
      item([{ title: 'C', edits: [{ start: 10, end: 11, newText: 'C' }], preservesBehaviour: true }]),
    ],
    ctx,
  );
  assert.equal(action?.kind, 'source.fixAll.evolve');
  const [change] = action!.edit!.documentChanges as { textDocument: { version: number }; edits: import('vscode-languageserver').TextEdit[] }[];
  assert.equal(change.textDocument.version, 7);
  assert.equal(TextDocument.applyEdits(TextDocument.create(doc.uri, 'javascript', 7, text), change.edits), 'A();\nb();\nC();\n');
  assert.equal(fixAllAction([item([], [{ title: 'B', edits: [{ start: 5, end: 6, newText: 'B' }], preservesBehaviour: false }])], ctx), undefined);
});
