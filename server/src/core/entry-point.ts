// Where a script starts, for the editor's "Rehearse against snapshot" code lens: the statement the
// rehearsal child runs (see rehearsal/child/runners.ts) — a default export, an exported `up`
// (knex, umzug, migrate-mongo), a migration class with an `up` method (TypeORM), or the top-level
// call of a plain script's own function (`main()`, `main().catch(...)`, `void main()`).
import { parseSource } from './parse';
import { ts } from './ts';

export interface EntryPoint {
  /** 0-based line and character of the statement's first token (after its comments). */
  line: number;
  character: number;
  kind: 'default-export' | 'up' | 'migration-class' | 'main-call' | 'first-statement';
}

const hasModifier = (node: ts.Node, kind: ts.SyntaxKind) => !!ts.canHaveModifiers(node) && !!ts.getModifiers(node)?.some((m) => m.kind === kind);
const isExported = (node: ts.Node) => hasModifier(node, ts.SyntaxKind.ExportKeyword);
const isDefault = (node: ts.Node) => isExported(node) && hasModifier(node, ts.SyntaxKind.DefaultKeyword);

/** `module.exports`, `exports`, `module.exports.up`, `exports.up`, `exports.default`: the name assigned, or '' for the whole module. */
function commonJsExportName(target: ts.Expression): string | undefined {
  if (ts.isIdentifier(target) && target.text === 'exports') return '';
  if (!ts.isPropertyAccessExpression(target)) return undefined;
  const receiver = target.expression;
  if (ts.isIdentifier(receiver) && receiver.text === 'module' && target.name.text === 'exports') return '';
  return commonJsExportName(receiver) === '' ? target.name.text : undefined;
}

function classWithUp(node: ts.ClassDeclaration): boolean {
  return node.members.some((m) => ts.isMethodDeclaration(m) && !!m.name && ts.isIdentifier(m.name) && m.name.text === 'up');
}

/** The kind of entry a top-level statement is, if it is one. */
function classify(statement: ts.Statement, localFunctions: Set<string>): EntryPoint['kind'] | undefined {
  if (ts.isExportAssignment(statement)) return 'default-export';
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && isDefault(statement)) return 'default-export';
  if (ts.isFunctionDeclaration(statement) && isExported(statement) && statement.name?.text === 'up') return 'up';
  if (ts.isClassDeclaration(statement) && isExported(statement) && classWithUp(statement)) return 'migration-class';
  if (ts.isVariableStatement(statement) && isExported(statement)) {
    if (statement.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === 'up')) return 'up';
  }
  if (!ts.isExpressionStatement(statement)) return undefined;
  const expression = statement.expression;
  if (ts.isBinaryExpression(expression) && expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    const name = commonJsExportName(expression.left);
    if (name === '' || name === 'default') return 'default-export';
    if (name === 'up') return 'up';
    return undefined;
  }
  return callsLocalFunction(expression, localFunctions) ? 'main-call' : undefined;
}

/** `main()`, `await main()`, `void main()`, `main().catch(...)`, `main().then(...).finally(...)`. */
function callsLocalFunction(expression: ts.Expression, localFunctions: Set<string>): boolean {
  let node: ts.Expression = expression;
  for (;;) {
    if (ts.isAwaitExpression(node) || ts.isVoidExpression(node) || ts.isParenthesizedExpression(node)) node = node.expression;
    else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ['then', 'catch', 'finally'].includes(node.expression.name.text)) {
      node = node.expression.expression;
    } else break;
  }
  return ts.isCallExpression(node) && ts.isIdentifier(node.expression) && localFunctions.has(node.expression.text);
}

function localFunctionNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of sf.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) names.add(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        const init = d.initializer;
        if (ts.isIdentifier(d.name) && init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) names.add(d.name.text);
      }
    }
  }
  return names;
}

const isImport = (statement: ts.Statement) =>
  ts.isImportDeclaration(statement) ||
  ts.isImportEqualsDeclaration(statement) ||
  (ts.isVariableStatement(statement) &&
    statement.declarationList.declarations.every((d) => !!d.initializer && ts.isCallExpression(d.initializer) && ts.isIdentifier(d.initializer.expression) && d.initializer.expression.text === 'require')) ||
  (ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression)); // 'use strict'

const PREFERENCE: EntryPoint['kind'][] = ['default-export', 'up', 'migration-class', 'main-call'];

/** The script's entry point, or its first statement after the imports; null for a file with no statements. */
export function findEntryPoint(path: string, text: string): EntryPoint | null {
  // parseSource, not ts.createSourceFile: a file nested too deeply for TypeScript's recursive parser
  // (a generated fixture, a minified bundle) is cut rather than overflowing the stack.
  const sf = parseSource(path, text);
  const localFunctions = localFunctionNames(sf);
  let best: { statement: ts.Statement; kind: EntryPoint['kind'] } | undefined;
  for (const statement of sf.statements) {
    const kind = classify(statement, localFunctions);
    if (kind && (!best || PREFERENCE.indexOf(kind) < PREFERENCE.indexOf(best.kind))) best = { statement, kind };
  }
  const fallback = sf.statements.find((s) => !isImport(s)) ?? sf.statements[0];
  const chosen = best ?? (fallback ? { statement: fallback, kind: 'first-statement' as const } : undefined);
  if (!chosen) return null;
  const { line, character } = sf.getLineAndCharacterOfPosition(chosen.statement.getStart(sf));
  return { line, character, kind: chosen.kind };
}
