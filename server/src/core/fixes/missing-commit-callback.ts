// "Use a callback-managed transaction": rewrites an explicit handle (`const trx = await knex.transaction()`,
// `session.startTransaction()`) into the library's callback form, which commits when the callback returns
// and rolls back when it throws, on every path. It changes behaviour, so it is a suggestion.
import { closes, type ExplicitTransaction } from '../semantics/explicit-transactions';
import { ts } from '../ts';
import type { CodeFix } from '../types';

function indentOf(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))?.[0] ?? '';
}

/** `catch (e) { await trx.rollback(); throw e; }`: what the callback form does by itself. */
function isRollbackAndRethrow(clause: ts.CatchClause, tx: ExplicitTransaction): boolean {
  const stmts = clause.block.statements;
  const name = clause.variableDeclaration?.name.getText();
  return (
    stmts.length === 2 &&
    closes(stmts[0], tx, 'rollback') &&
    ts.isThrowStatement(stmts[1]) &&
    !!name &&
    stmts[1].expression?.getText() === name
  );
}

/** The statements between the opening and the commit, when the shape is simple enough to move. */
function bodyStatements(tx: ExplicitTransaction): { inner: readonly ts.Statement[]; last: ts.Statement } | undefined {
  const block = tx.statement.parent;
  if (!ts.isBlock(block) && !ts.isSourceFile(block)) return undefined;
  const from = block.statements.indexOf(tx.statement);
  const next = block.statements[from + 1];
  // try { ...; await trx.commit(); } catch (e) { await trx.rollback(); throw e; }
  if (next && ts.isTryStatement(next) && !next.finallyBlock && next.catchClause && isRollbackAndRethrow(next.catchClause, tx)) {
    const tryStmts = next.tryBlock.statements;
    const commit = tryStmts[tryStmts.length - 1];
    if (commit && closes(commit, tx, 'commit')) return { inner: tryStmts.slice(0, -1), last: next };
    return undefined;
  }
  const to = block.statements.findIndex((s, i) => i > from && closes(s, tx, 'either'));
  if (to < 0 || !closes(block.statements[to], tx, 'commit')) return undefined;
  return { inner: block.statements.slice(from + 1, to), last: block.statements[to] };
}

export function callbackTransactionSuggestion(tx: ExplicitTransaction): CodeFix[] {
  if (ts.isSourceFile(tx.fn) || !ts.getModifiers(tx.fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) return [];
  const found = bodyStatements(tx);
  if (!found || found.inner.length === 0) return [];
  // Returns, commits or rollbacks inside would mean something else in a callback.
  if (found.inner.some((s) => closes(s, tx, 'either') || /\breturn\b/.test(s.getText()))) return [];
  const sf = tx.statement.getSourceFile();
  let opener: string;
  if (tx.style === 'handle' && ts.isVariableStatement(tx.statement) && ts.isCallExpression(tx.open)) {
    const callee = tx.open.expression;
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'transaction') return [];
    opener = `await ${callee.expression.getText(sf)}.transaction(async (${tx.handle}) => {`;
  } else if (tx.style === 'receiver' && /session/i.test(tx.handle)) {
    opener = `await ${tx.handle}.withTransaction(async () => {`;
  } else return [];
  const indent = indentOf(sf, tx.statement.getStart(sf));
  const innerStart = found.inner[0].getStart(sf);
  const innerEnd = found.inner[found.inner.length - 1].getEnd();
  const innerIndent = indentOf(sf, innerStart);
  const body = sf.text
    .slice(innerStart - (sf.text.slice(0, innerStart).length - sf.text.lastIndexOf('\n', innerStart - 1) - 1), innerEnd)
    .split('\n')
    .map((line) => (line.trim() ? indent + '  ' + (line.startsWith(innerIndent) ? line.slice(innerIndent.length) : line.trimStart()) : ''))
    .join('\n');
  const newText = `${opener}\n${body}\n${indent}});`;
  return [
    {
      title: `Use a callback-managed transaction for \`${tx.handle}\` (commits on return, rolls back on error)`,
      edits: [{ start: tx.statement.getStart(sf), end: found.last.getEnd(), newText }],
      preservesBehaviour: false,
    },
  ];
}
