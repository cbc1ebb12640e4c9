// Functions the analysis follows: local helpers, class methods and helpers exported by other files
// of the project. A summary says whether a function writes and what it returns.
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { isFunctionLike, nameOfCallee, unwrap } from './ast';
import { checkBudget } from './budget';
import { classifyCall, classifyTaggedTemplate } from './calls';
import { contextOf, UNKNOWN, type Origin } from './context';
import { originOf, worst } from './origins';
import { referencesTo, resolveIdentifier, type Declaration } from './scope';
import { indexOf } from './tree-index';

export interface FunctionSummary {
  /** The first write the function performs, directly or through functions it calls. */
  write: ts.Node | undefined;
  returns: Origin;
}

let summaries = new WeakMap<ts.Node, FunctionSummary>();
/** Renewed, not cleared, with the facts: see inProgress in origins.ts. */
let computing = new Set<ts.Node>();
onTreeReuse(() => {
  summaries = new WeakMap();
  computing = new Set();
});

function functionFromDeclaration(decl: ts.Node | undefined): ts.FunctionLikeDeclaration | undefined {
  if (!decl) return undefined;
  if (isFunctionLike(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer) {
    const init = unwrap(decl.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  if (ts.isPropertyAssignment(decl)) {
    const init = unwrap(decl.initializer);
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

/** The declaration a file exports under `name` (`default` for the default export). */
export function exportedDeclaration(from: ts.SourceFile, specifier: string, name: string): ts.Node | undefined {
  const ctx = contextOf(from);
  const target = ctx?.project.resolveImport(ctx.path, specifier);
  if (!target) return undefined;
  const sf = target.sf;
  for (const s of sf.statements) {
    const exported = ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    const isDefault = ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);
    if ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && exported) {
      if ((isDefault && name === 'default') || s.name?.text === name) return s;
    }
    if (ts.isVariableStatement(s) && exported) {
      for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) return d;
    }
    if (ts.isExportAssignment(s) && name === 'default') {
      const e = unwrap(s.expression);
      return ts.isIdentifier(e) ? resolveIdentifier(e) : e;
    }
    // CommonJS: module.exports.name = ..., exports.name = ..., module.exports = { name }.
    if (ts.isExpressionStatement(s) && ts.isBinaryExpression(s.expression) && s.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = s.expression.left.getText();
      const right = unwrap(s.expression.right);
      if (left === `exports.${name}` || left === `module.exports.${name}`) return ts.isIdentifier(right) ? resolveIdentifier(right) : right;
      if (left === 'module.exports' && ts.isObjectLiteralExpression(right)) {
        for (const p of right.properties) {
          if (p.name && ts.isIdentifier(p.name) && p.name.text === name) {
            if (ts.isShorthandPropertyAssignment(p)) return resolveIdentifier(p.name);
            if (ts.isPropertyAssignment(p)) return ts.isIdentifier(p.initializer) ? resolveIdentifier(p.initializer) : p;
            if (ts.isMethodDeclaration(p)) return p;
          }
        }
      }
    }
  }
  return undefined;
}

function functionFromImport(decl: Declaration): ts.FunctionLikeDeclaration | undefined {
  if (!(ts.isImportSpecifier(decl) || ts.isImportClause(decl))) return undefined;
  let importDecl: ts.Node = decl;
  while (!ts.isImportDeclaration(importDecl)) importDecl = importDecl.parent;
  const spec = (importDecl.moduleSpecifier as ts.StringLiteral).text;
  const name = ts.isImportSpecifier(decl) ? (decl.propertyName ?? decl.name).text : 'default';
  return functionFromDeclaration(exportedDeclaration(decl.getSourceFile(), spec, name));
}

/** `const { helper } = require('./helpers')` and `const helpers = require('./helpers'); helpers.x()`. */
function functionFromRequire(decl: Declaration, member?: string): ts.FunctionLikeDeclaration | undefined {
  let varDecl: ts.Node = decl;
  let name = member;
  if (ts.isBindingElement(decl)) {
    name = (decl.propertyName && ts.isIdentifier(decl.propertyName) ? decl.propertyName : (decl.name as ts.Identifier)).text;
    varDecl = decl.parent.parent;
  }
  if (!ts.isVariableDeclaration(varDecl) || !varDecl.initializer || !name) return undefined;
  const init = unwrap(varDecl.initializer);
  if (!ts.isCallExpression(init) || nameOfCallee(init.expression) !== 'require' || !init.arguments[0] || !ts.isStringLiteral(init.arguments[0])) return undefined;
  return functionFromDeclaration(exportedDeclaration(decl.getSourceFile(), init.arguments[0].text, name));
}

/** The function a call invokes, when it is declared in the project. */
export function resolveCallee(call: ts.CallExpression): ts.FunctionLikeDeclaration | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) {
    const decl = resolveIdentifier(callee);
    if (!decl) return undefined;
    return functionFromDeclaration(decl) ?? functionFromImport(decl) ?? functionFromRequire(decl);
  }
  if (ts.isPropertyAccessExpression(callee)) {
    const method = callee.name.text;
    if (callee.expression.kind === ts.SyntaxKind.ThisKeyword) {
      for (let n: ts.Node | undefined = callee.parent; n; n = n.parent) {
        if (ts.isClassDeclaration(n) || ts.isClassExpression(n) || ts.isObjectLiteralExpression(n)) {
          for (const m of (ts.isObjectLiteralExpression(n) ? n.properties : n.members) as ts.NodeArray<ts.Node>) {
            const mName = (m as { name?: ts.Node }).name;
            if (mName && ts.isIdentifier(mName) && mName.text === method) return functionFromDeclaration(m);
          }
          return undefined;
        }
      }
    }
    if (ts.isIdentifier(callee.expression)) {
      const decl = resolveIdentifier(callee.expression);
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer && ts.isObjectLiteralExpression(unwrap(decl.initializer))) {
        const obj = unwrap(decl.initializer) as ts.ObjectLiteralExpression;
        const prop = obj.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === method);
        return prop ? functionFromDeclaration(prop) : undefined;
      }
      if (decl) return functionFromRequire(decl, method) ?? namespaceMember(decl, method);
    }
  }
  return undefined;
}

function namespaceMember(decl: Declaration, member: string): ts.FunctionLikeDeclaration | undefined {
  if (!ts.isNamespaceImport(decl)) return undefined;
  const spec = (decl.parent.parent.moduleSpecifier as ts.StringLiteral).text;
  return functionFromDeclaration(exportedDeclaration(decl.getSourceFile(), spec, member));
}

/** Whether a call writes, itself or through a project function it calls. */
function isWriteCall(call: ts.CallExpression): boolean {
  if (classifyCall(call).kind === 'write') return true;
  const fn = resolveCallee(call);
  return !!fn && !!summaryOf(fn).write;
}

/** Callbacks passed to calls run (forEach, then, transaction); declared functions run when called. */
function runsInPlace(fn: ts.Node): boolean {
  const parent = fn.parent;
  return (
    fn.kind !== ts.SyntaxKind.FunctionDeclaration &&
    fn.kind !== ts.SyntaxKind.MethodDeclaration &&
    !!parent &&
    (parent.kind === ts.SyntaxKind.CallExpression || parent.kind === ts.SyntaxKind.ReturnStatement || parent.kind === ts.SyntaxKind.ParenthesizedExpression)
  );
}

/**
 * The first database write under `node`, following callbacks and called helpers. `skip` is asked of
 * the statements and expressions of the tree index (loops, ifs, calls, functions, ...): a subtree it
 * names is left out.
 */
export function firstWrite(node: ts.Node, skip?: (n: ts.Node) => boolean): ts.Node | undefined {
  // An expression-bodied callback (`rows.map((r) => db.update(...))`) is itself the write.
  if (ts.isCallExpression(node) && isWriteCall(node)) return node;
  const index = indexOf(node);
  const { nodes, ends } = index;
  for (let i = index.start(node), end = index.end(node, i); i < end; i++) {
    const n = nodes[i];
    if ((isFunctionLike(n) && !runsInPlace(n)) || skip?.(n)) {
      i = ends[i] - 1;
      continue;
    }
    if (n.kind === ts.SyntaxKind.CallExpression) {
      if (isWriteCall(n as ts.CallExpression)) return n;
    } else if (n.kind === ts.SyntaxKind.TaggedTemplateExpression && classifyTaggedTemplate(n as ts.TaggedTemplateExpression).kind === 'write') {
      return n;
    }
  }
  return undefined;
}

/** What a block-bodied function returns: the worst of its `return`s (nested functions' aside). */
function returnedOrigin(body: ts.Node): Origin {
  const returned: Origin[] = [];
  const index = indexOf(body);
  const { nodes, ends } = index;
  for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
    const n = nodes[i];
    if (isFunctionLike(n)) i = ends[i] - 1;
    else if (ts.isReturnStatement(n) && n.expression) returned.push(originOf(n.expression));
  }
  return worst(returned);
}

export function summaryOf(fn: ts.FunctionLikeDeclaration): FunctionSummary {
  const cached = summaries.get(fn);
  if (cached) return cached;
  if (computing.has(fn) || computing.size > 25) return { write: undefined, returns: UNKNOWN };
  checkBudget();
  computing.add(fn);
  try {
    const body = fn.body;
    let returns: Origin = UNKNOWN;
    let write: ts.Node | undefined;
    if (body) {
      write = firstWrite(body);
      if (!ts.isBlock(body)) returns = originOf(body);
      else returns = returnedOrigin(body);
    }
    const summary = { write, returns };
    summaries.set(fn, summary);
    return summary;
  } finally {
    computing.delete(fn);
  }
}

/** Origins of what callers pass for a helper's parameter, from call sites in the same file. */
export function paramArgumentOrigins(p: ts.ParameterDeclaration): Origin[] {
  const fn = p.parent;
  if (!isFunctionLike(fn)) return [];
  const index = fn.parameters.indexOf(p);
  let nameNode: ts.Identifier | undefined;
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) nameNode = fn.name;
  else if (ts.isVariableDeclaration(fn.parent) && ts.isIdentifier(fn.parent.name)) nameNode = fn.parent.name;
  if (!nameNode) return [];
  const decl = ts.isVariableDeclaration(fn.parent) ? fn.parent : (fn as ts.FunctionDeclaration);
  const origins: Origin[] = [];
  for (const ref of referencesTo(decl as Declaration, fn.getSourceFile())) {
    const call = ref.parent;
    if (ts.isCallExpression(call) && call.expression === ref && call.arguments[index]) origins.push(originOf(call.arguments[index]));
    if (origins.length > 8) break;
  }
  return origins;
}
