// Suggested rewrites for missing-commit. All of them change what the script does (they commit, roll
// back or drop the runner's transaction), so they are suggestions the user applies, never automatic.

import { closes, type ExplicitTransaction } from '../semantics/explicit-transactions';
import { ts } from '../ts';
import type { CodeFix } from '../types';
import type { RuleContext } from '../rule';

function isAsync(tx: ExplicitTransaction): boolean {
  return !ts.isSourceFile(tx.fn) && !!ts.getModifiers(tx.fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** The statement that ends the transaction, spelled the way the script opened it. */
function endCall(tx: ExplicitTransaction, which: 'commit' | 'rollback'): string {
  const awaitPrefix = isAsync(tx) ? 'await ' : '';
  if (tx.style === 'sql') {
    const text = tx.open.getText();
    return awaitPrefix + text.replace(/\b(begin(\s+(transaction|work|immediate|exclusive|deferred))?|start\s+transaction)\b/i, which.toUpperCase());
  }
  if (tx.style === 'receiver') {
    const name = which === 'commit' ? 'commitTransaction' : /session/i.test(tx.handle) ? 'abortTransaction' : 'rollbackTransaction';
    return `${awaitPrefix}${tx.handle}.${name}()`;
  }
  const controlled = /\.startTransaction\(\)\s*\.execute\(\)/.test(tx.statement.getText());
  return `${awaitPrefix}${tx.handle}.${which}()${controlled ? '.execute()' : ''}`;
}

function indentOf(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))?.[0] ?? '';
}

export function addCommitSuggestion(tx: ExplicitTransaction, exits: ts.Node[]): CodeFix[] {
  const sf = tx.statement.getSourceFile();
  const commit = endCall(tx, 'commit');
  const edits: CodeFix['edits'] = [];
  for (const exit of exits) {
    if (ts.isReturnStatement(exit)) {
      const start = exit.getStart(sf);
      const indent = indentOf(sf, start);
      if (ts.isBlock(exit.parent) || ts.isSourceFile(exit.parent) || ts.isCaseClause(exit.parent) || ts.isDefaultClause(exit.parent)) {
        edits.push({ start, end: start, newText: `${commit};\n${indent}` });
      } else {
        edits.push({ start, end: exit.getEnd(), newText: `{\n${indent}  ${commit};\n${indent}  ${exit.getText(sf)}\n${indent}}` });
      }
    } else {
      // The end of the function body: insert before its closing brace.
      const closeBrace = exit.getStart(sf);
      const lineIndent = indentOf(sf, closeBrace);
      const lineStart = sf.text.lastIndexOf('\n', closeBrace - 1) + 1;
      const onOwnLine = /^\s*$/.test(sf.text.slice(lineStart, closeBrace));
      edits.push(
        onOwnLine
          ? { start: lineStart, end: lineStart, newText: `${lineIndent}  ${commit};\n` }
          : { start: closeBrace, end: closeBrace, newText: ` ${commit}; ` },
      );
    }
  }
  return edits.length ? [{ title: `Commit \`${tx.handle}\` on every path that leaves it open`, edits, preservesBehaviour: false }] : [];
}

export function addRollbackSuggestion(tx: ExplicitTransaction): CodeFix[] {
  const block = tx.statement.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return [];
  const stmts = block.statements;
  const from = stmts.indexOf(tx.statement);
  const to = stmts.findIndex((s, i) => i > from && closes(s, tx, 'commit'));
  if (from < 0 || to < 0 || from + 1 > to) return [];
  const sf = tx.statement.getSourceFile();
  const first = stmts[from + 1];
  const last = stmts[to];
  const start = first.getFullStart() + (sf.text.slice(first.getFullStart(), first.getStart(sf)).lastIndexOf('\n') + 1);
  const indent = indentOf(sf, first.getStart(sf));
  const inner = sf.text
    .slice(start, last.getEnd())
    .split('\n')
    .map((line) => (line.trim() ? '  ' + line : line))
    .join('\n');
  const rollback = endCall(tx, 'rollback');
  const newText = `${indent}try {\n${inner}\n${indent}} catch (error) {\n${indent}  ${rollback};\n${indent}  throw error;\n${indent}}`;
  return [{ title: `Roll back \`${tx.handle}\` when a write fails (wrap in try/catch)`, edits: [{ start, end: last.getEnd(), newText }], preservesBehaviour: false }];
}

export function knexOptOutFix(context: RuleContext): CodeFix[] {
  const optOut = context.runner.knexOptOut;
  if (!optOut) return [];
  const sf = context.sf;
  const text = sf.text;
  const statement = optOut.esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };';
  const comment =
    "// Evolve: run this migration outside knex's per-file transaction, so each batch commits on its own\n" +
    '// and the live site is not blocked until the whole migration ends.';
  const lead = text.endsWith('\n') ? '' : '\n';
  return [
    {
      title: "Run this knex migration without the runner's transaction (config = { transaction: false })",
      edits: [{ start: text.length, end: text.length, newText: `${lead}\n${comment}\n${statement}\n` }],
      preservesBehaviour: false,
    },
  ];
}
