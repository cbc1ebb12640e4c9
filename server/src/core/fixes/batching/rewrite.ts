// "Process in keyset batches with a commit per batch": rewrites an unbatched for-of loop into
// evolve-runtime's eachBatch. It changes behaviour (commits per batch), so it is a suggestion.
import { basename } from 'node:path';
import { enclosingFunction, unwrap } from '../../semantics/ast';
import type { Loop } from '../../semantics/loops';
import { referencesTo, resolveIdentifier, type Declaration } from '../../semantics/scope';
import { enclosingCallbackTransaction, type RunnerTransaction } from '../../semantics/transactions';
import { ts } from '../../ts';
import type { CodeFix, TextEdit } from '../../types';
import { deriveFetch, type BodyEdit } from './derive';
import { escapeReason, loopShape, type LoopShape } from './loop-shapes';
import { importEdits } from './imports';

export const REWRITE_TITLE = 'Process in keyset batches with a commit per batch (evolve-runtime eachBatch)';
const KEY_PLACEHOLDER = "'EVOLVE_TODO_primary_key'";

export type RewriteResult = { fix: CodeFix } | { reason: string };

function indentAt(sf: ts.SourceFile, pos: number): string {
  const lineStart = sf.text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(sf.text.slice(lineStart))?.[0] ?? '';
}

function reindent(text: string, by: string): string {
  return text.split('\n').map((l, i) => (i === 0 || !l.trim() ? l : by + l)).join('\n');
}

/** Lines after the first, `by` columns less indented (more when negative). */
function shiftLines(text: string, by: number): string {
  if (by === 0) return text;
  return text
    .split('\n')
    .map((l, i) => (i === 0 ? l : by > 0 ? l.replace(new RegExp(`^[ \\t]{0,${by}}`), '') : ' '.repeat(-by) + l))
    .join('\n');
}

function freshName(used: string, candidates: string[]): string {
  return candidates.find((c) => !new RegExp(`\\b${c}\\b`).test(used)) ?? `${candidates[0]}_${used.length}`;
}

function isAsyncContext(node: ts.Node): boolean {
  const fn = enclosingFunction(node);
  if (!fn) return /\.(mjs|mts)$/.test(node.getSourceFile().fileName) || node.getSourceFile().statements.some((s) => ts.isImportDeclaration(s));
  return !!ts.getModifiers(fn)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

interface RowsSource {
  read: ts.Node;
  remove?: ts.VariableStatement;
  rowType?: string;
  /** The loop iterates the read's `.rows` (`const { rows } = await pool.query(...)`, `result.rows`). */
  viaRows?: boolean;
}

const lineOfNode = (n: ts.Node) => n.getSourceFile().getLineAndCharacterOfPosition(n.getStart()).line + 1;

/** The declaration statement `const rows = await read;` a loop iterates, when it can be removed with the loop. */
function rowsDeclaration(shape: LoopShape): RowsSource | { reason: string } {
  let iter = unwrap(shape.iterated);
  const own = (r: ts.Node) => r === iter || shape.ownReferences.includes(r);
  let viaRows = false;
  // `for (const r of result.rows)`: the declaration is `result`'s.
  if (ts.isPropertyAccessExpression(iter) && iter.name.text === 'rows' && ts.isIdentifier(iter.expression)) {
    iter = iter.expression;
    viaRows = true;
  }
  if (!ts.isIdentifier(iter)) return { read: iter };
  let decl = resolveIdentifier(iter);
  // `const { rows } = await pool.query(...)`: the binding's declaration, when it binds only `rows`.
  if (decl && ts.isBindingElement(decl) && !viaRows && ts.isObjectBindingPattern(decl.parent) && decl.parent.elements.length === 1 && !decl.dotDotDotToken) {
    const property = decl.propertyName ? decl.propertyName.getText() : decl.name.getText();
    if (property === 'rows' && ts.isVariableDeclaration(decl.parent.parent)) {
      const others = referencesTo(decl).filter((r) => !own(r));
      if (others.length > 0) return { reason: `the rows are also used at line ${lineOfNode(others[0])}, outside the loop` };
      decl = decl.parent.parent;
      viaRows = true;
    }
  }
  if (!decl || !ts.isVariableDeclaration(decl) || !decl.initializer || (!ts.isIdentifier(decl.name) && !viaRows)) {
    return { reason: 'the rows are not read in a `const rows = await ...` declaration Evolve can move' };
  }
  const stmt = decl.parent.parent;
  if (!ts.isVariableStatement(stmt) || (decl.parent as ts.VariableDeclarationList).declarations.length !== 1 || stmt.parent !== shape.statement.parent) {
    return { reason: 'the rows are read in another block than the loop' };
  }
  const others = ts.isIdentifier(decl.name) ? referencesTo(decl as Declaration).filter((r) => !own(r)) : [];
  if (others.length > 0) return { reason: `the rows are also used at line ${lineOfNode(others[0])}, outside the loop` };
  const asserted = ts.isAsExpression(decl.initializer) ? decl.initializer.type.getText() : decl.type?.getText();
  return { read: unwrap(decl.initializer), remove: stmt, rowType: viaRows ? undefined : asserted, viaRows };
}

export function batchingRewrite(loop: Loop, runner: RunnerTransaction): RewriteResult {
  const shape = loopShape(loop);
  if ('reason' in shape) return shape;
  const escape = escapeReason(shape.body.node, !!shape.callback);
  if (escape) return { reason: escape };
  const node = shape.statement;
  const sf = node.getSourceFile();
  const tx = enclosingCallbackTransaction(node);
  if (tx) return { reason: `the loop runs inside ${tx.description}; move it out of that transaction first` };
  if (!isAsyncContext(node)) return { reason: 'the loop is not in an async function, and eachBatch must be awaited' };
  if (runner.wraps && runner.runner === 'typeorm') {
    return { reason: 'TypeORM runs this migration in one transaction, so no batch could commit on its own; set `transaction = false` on the migration class (with migrationsTransactionMode "each") and rewrite the loop with eachBatch' };
  }
  const rows = rowsDeclaration(shape);
  if ('reason' in rows) return rows;
  const plan = deriveFetch(rows.read, { cursor: shape.cursor });
  if ('reason' in plan) return plan;
  if (!!rows.viaRows !== !!plan.resultRows) return { reason: 'the loop does not iterate the rows of the query result as Evolve expects' };

  const bodyStart = shape.body.start;
  const body = sf.text.slice(bodyStart, shape.body.end);
  const binding = shape.binding;
  const handleDecl = resolveIdentifier(plan.handle);
  const txName = freshName(body, plan.txNames ?? ['trx', 'tx', 'batchTx']);
  const rowsName = freshName(body + binding, ['rows', 'batch', 'page']);
  const keyExpr = plan.key ? `'${plan.key}'` : KEY_PLACEHOLDER;
  const keyField = plan.key ?? 'EVOLVE_TODO_primary_key';

  // The body keeps its logic; its calls go through the batch's transaction: by default every use of
  // the original handle becomes the transaction, else the library's own edits (a session option...).
  let subs: BodyEdit[] = [...shape.edits];
  if (plan.bodyEdits) {
    const planned = plan.bodyEdits(shape.body.node, txName, shape.item);
    if ('reason' in planned) return planned;
    subs.push(...planned);
  } else {
    const visit = (n: ts.Node): void => {
      if (ts.isIdentifier(n) && n.text === plan.handle.text && resolveIdentifier(n) === handleDecl) {
        const parent = n.parent;
        const isProperty = ts.isPropertyAccessExpression(parent) && parent.name === n;
        if (!isProperty) subs.push({ start: n.getStart(sf), end: n.getEnd(), text: txName });
      }
      ts.forEachChild(n, visit);
    };
    visit(shape.body.node);
  }
  let newBody = body;
  for (const s of subs.sort((a, b) => b.start - a.start)) newBody = newBody.slice(0, s.start - bodyStart) + s.text + newBody.slice(s.end - bodyStart);
  // Callback bodies sit deeper than the statement they replace: shift them to the statement's indent.
  const indent = indentAt(sf, node.getStart(sf));
  const bodyIndent = indentAt(sf, ts.isBlock(shape.body.node) ? shape.body.end - 1 : shape.body.start);
  newBody = shiftLines(newBody, bodyIndent.length - indent.length);
  newBody = shape.body.prefix.replace(/\n/g, `\n${indent}`) + newBody + shape.body.suffix.replace(/\n/g, `\n${indent}`);

  const name = basename(sf.fileName).replace(/\.(m|c)?[jt]sx?$/, '').replace(/\.(bad|good)$/, '');
  const fetch = plan.fetch(txName, keyExpr, rows.rowType);
  const text =
    `await eachBatch(\n` +
    `${indent}  {\n` +
    `${indent}    adapter: ${plan.adapterCall ?? `${plan.adapter}(${plan.handle.text})`},\n` +
    `${indent}    name: '${name}',\n` +
    `${indent}    size: 500,\n` +
    `${indent}    fetch: ${reindent(fetch, indent + '    ')},\n` +
    `${indent}    key: ${plan.rowParam ?? '(row)'} => row.${keyField},\n` +
    `${indent}  },\n` +
    `${indent}  async (${rowsName}, ${txName}) => {\n` +
    `${indent}    for (${binding} of ${rowsName}) ${reindent(newBody, '    ')}\n` +
    `${indent}  },\n` +
    `${indent});`;

  const edits: TextEdit[] = [{ start: node.getStart(sf), end: node.getEnd(), newText: text }];
  if (rows.remove) {
    const start = rows.remove.getFullStart();
    const lineStart = sf.text.lastIndexOf('\n', rows.remove.getStart(sf) - 1);
    edits.push({ start: Math.max(start, lineStart), end: rows.remove.getEnd(), newText: '' });
  }
  edits.push(...importEdits(sf, ['eachBatch', plan.adapter]));
  for (const extra of plan.imports ?? []) edits.push(...importEdits(sf, extra.names, extra.module));
  if (runner.knexOptOut) {
    const statement = runner.knexOptOut.esm ? 'export const config = { transaction: false };' : 'exports.config = { transaction: false };';
    const lead = sf.text.endsWith('\n') ? '' : '\n';
    edits.push({ start: sf.text.length, end: sf.text.length, newText: `${lead}\n// Evolve: each batch commits on its own, outside knex's per-file transaction.\n${statement}\n` });
  }
  const title = plan.key ? REWRITE_TITLE : `${REWRITE_TITLE}: fill in the primary key marked EVOLVE_TODO`;
  return { fix: { title, edits, preservesBehaviour: false } };
}
