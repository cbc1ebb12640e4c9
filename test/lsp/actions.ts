// Code action helpers shared by the integration tests: request, apply, check the output parses,
// and check that applying the same action again changes nothing.
import assert from 'node:assert/strict';
import ts from 'typescript';
import type { CodeAction, Diagnostic, Range } from 'vscode-languageserver-protocol';
import { applyWorkspaceEdit, evolveDiagnostics, type LspClient } from './harness';

export function assertParses(text: string): void {
  const file = ts.createSourceFile('out.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  assert.deepEqual(problems.map((p) => ts.flattenDiagnosticMessageText(p.messageText, '\n')), []);
}

export async function actionsAt(client: LspClient, uri: string, d: Diagnostic, only?: string[], range: Range = d.range): Promise<CodeAction[]> {
  return (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range,
    context: { diagnostics: [d], ...(only ? { only } : {}) },
  })) as CodeAction[];
}

/**
 * Applies the titled quick fix to `text`, checks the output parses, feeds it to the server and
 * checks the finding is gone and the action no longer offered (so applying it twice changes nothing).
 */
export async function applyOnce(client: LspClient, uri: string, d: Diagnostic, title: string, text: string): Promise<{ output: string; action: CodeAction }> {
  const action = (await actionsAt(client, uri, d)).find((a) => a.title === title);
  assert.ok(action?.edit, `"${title}" is offered with an edit`);
  assert.equal(action.kind, 'quickfix');
  const output = applyWorkspaceEdit(text, uri, action.edit);
  assertParses(output);
  const version = await client.change(uri, output);
  const after = await client.diagnosticsFor(uri, (p) => p.version === version);
  // The finding is gone (adding a commit may still leave a different case of the rule: no rollback).
  const messageId = (x: Diagnostic) => (x.data as { messageId?: string } | undefined)?.messageId;
  assert.deepEqual(evolveDiagnostics(after).filter((x) => x.code === d.code && messageId(x) === messageId(d)), [], 'the finding is gone');
  assert.equal((await actionsAt(client, uri, d)).find((a) => a.title === title), undefined, 'not offered again');
  return { output, action };
}
