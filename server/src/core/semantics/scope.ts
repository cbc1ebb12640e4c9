// Resolves identifiers to their declarations without a type checker: a per-scope table of the
// names declared in each block, function, loop head, catch clause and source file.
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { isFunctionLike } from './ast';
import { indexOf } from './tree-index';

export type Declaration =
  | ts.VariableDeclaration
  | ts.BindingElement
  | ts.ParameterDeclaration
  | ts.FunctionDeclaration
  | ts.ClassDeclaration
  | ts.ImportSpecifier
  | ts.ImportClause
  | ts.NamespaceImport
  | ts.ImportEqualsDeclaration;

let scopeTables = new WeakMap<ts.Node, Map<string, Declaration>>();
onTreeReuse(() => {
  scopeTables = new WeakMap();
});

function isScope(node: ts.Node): boolean {
  // A switch, not nine type guards: resolving a name asks this of every ancestor.
  switch (node.kind) {
    case ts.SyntaxKind.SourceFile:
    case ts.SyntaxKind.Block:
    case ts.SyntaxKind.ModuleBlock:
    case ts.SyntaxKind.CaseBlock:
    case ts.SyntaxKind.CatchClause:
    case ts.SyntaxKind.ForStatement:
    case ts.SyntaxKind.ForOfStatement:
    case ts.SyntaxKind.ForInStatement:
      return true;
    default:
      return isFunctionLike(node);
  }
}

/** Whether JavaScript merges a second declaration of the name with this one: `var`s and functions. */
function redeclarable(decl: Declaration): boolean {
  let n: ts.Node = decl;
  while (ts.isBindingElement(n) || ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n)) n = n.parent;
  if (ts.isFunctionDeclaration(n)) return true;
  return ts.isVariableDeclaration(n) && ts.isVariableDeclarationList(n.parent) && (n.parent.flags & ts.NodeFlags.BlockScoped) === 0;
}

/**
 * Declares a name in a scope's table. A second declaration of a name in one scope is an early error
 * unless both are `var`s or functions (merged, the last function winning): in a file with that error
 * (often garbage pasted after valid code) the first declaration keeps the meaning the code had.
 */
function bind(table: Map<string, Declaration>, name: string, decl: Declaration): void {
  const first = table.get(name);
  if (first && !(redeclarable(first) && redeclarable(decl))) return;
  table.set(name, decl);
}

function addBindingNames(name: ts.BindingName, decl: Declaration, table: Map<string, Declaration>): void {
  if (ts.isIdentifier(name)) {
    bind(table, name.text, decl);
    return;
  }
  for (const el of name.elements) {
    if (ts.isOmittedExpression(el)) continue;
    addBindingNames(el.name, el, table);
  }
}

function addVariableList(list: ts.VariableDeclarationList, table: Map<string, Declaration>): void {
  for (const d of list.declarations) addBindingNames(d.name, d, table);
}

function collectStatement(stmt: ts.Statement, table: Map<string, Declaration>): void {
  if (ts.isVariableStatement(stmt)) addVariableList(stmt.declarationList, table);
  else if (ts.isFunctionDeclaration(stmt) && stmt.name) bind(table, stmt.name.text, stmt);
  else if (ts.isClassDeclaration(stmt) && stmt.name) bind(table, stmt.name.text, stmt);
  else if (ts.isImportDeclaration(stmt) && stmt.importClause) {
    const clause = stmt.importClause;
    if (clause.name) bind(table, clause.name.text, clause);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) bind(table, bindings.name.text, bindings);
    else if (bindings) for (const s of bindings.elements) bind(table, s.name.text, s);
  } else if (ts.isImportEqualsDeclaration(stmt)) bind(table, stmt.name.text, stmt);
  else if (ts.isExportAssignment(stmt)) {
    /* no names */
  }
}

function tableFor(scope: ts.Node): Map<string, Declaration> {
  let table = scopeTables.get(scope);
  if (table) return table;
  table = new Map();
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope)) {
    for (const s of scope.statements) collectStatement(s, table);
  } else if (ts.isCaseBlock(scope)) {
    for (const c of scope.clauses) for (const s of c.statements) collectStatement(s, table);
  } else if (ts.isCatchClause(scope)) {
    if (scope.variableDeclaration) addBindingNames(scope.variableDeclaration.name, scope.variableDeclaration, table);
  } else if (ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) {
    const init = scope.initializer;
    if (init && ts.isVariableDeclarationList(init)) addVariableList(init, table);
  } else if (isFunctionLike(scope)) {
    for (const p of scope.parameters) addBindingNames(p.name, p, table);
    if ((ts.isFunctionExpression(scope) || ts.isFunctionDeclaration(scope)) && scope.name) {
      if (!table.has(scope.name.text) && ts.isFunctionExpression(scope)) table.set(scope.name.text, scope as never);
    }
    // `var` declarations hoist to the function; collect the ones nested in blocks.
    if (scope.body && ts.isBlock(scope.body)) collectVars(scope.body, table);
  }
  scopeTables.set(scope, table);
  return table;
}

/** `var` declarations in a function body, nested functions aside (from the tree index: no walk). */
function collectVars(body: ts.Node, table: Map<string, Declaration>): void {
  const index = indexOf(body);
  const { nodes, ends } = index;
  for (let i = index.start(body), end = index.end(body, i); i < end; i++) {
    const n = nodes[i];
    if (isFunctionLike(n)) i = ends[i] - 1;
    else if (n.kind === ts.SyntaxKind.VariableDeclarationList && (n.flags & ts.NodeFlags.BlockScoped) === 0) {
      for (const d of (n as ts.VariableDeclarationList).declarations) if (!table.has(declName(d))) addBindingNames(d.name, d, table);
    }
  }
}

function declName(d: ts.VariableDeclaration): string {
  return ts.isIdentifier(d.name) ? d.name.text : '';
}

/** The declaration an identifier refers to, or undefined for globals and unknown names. */
export function resolveIdentifier(id: ts.Identifier): Declaration | undefined {
  const name = id.text;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    if (!isScope(n)) continue;
    const d = tableFor(n).get(name);
    if (d) return d;
  }
  return undefined;
}

/** The scope node a declaration lives in (where its references and assignments are). */
export function declaringScope(decl: ts.Node): ts.Node {
  for (let n: ts.Node | undefined = decl.parent; n; n = n.parent) if (isScope(n) && !ts.isCatchClause(n)) return n;
  return decl.getSourceFile();
}

/** The identifier a declaration binds, when it binds one name. */
export function declaredIdentifier(decl: Declaration): ts.Identifier | undefined {
  if (ts.isImportClause(decl) || ts.isNamespaceImport(decl) || ts.isImportSpecifier(decl)) return decl.name;
  const name = (decl as { name?: ts.Node }).name;
  return name && ts.isIdentifier(name) ? name : undefined;
}

/** Right-hand sides assigned to a variable after its declaration (`x = ...`), in source order. */
export function assignmentsTo(decl: Declaration): ts.Expression[] {
  const id = declaredIdentifier(decl);
  if (!id) return [];
  const scope = declaringScope(decl);
  const out: ts.Expression[] = [];
  for (const n of identifiersNamed(id)) {
    if (n.pos < scope.pos || n.end > scope.end) continue;
    const parent = n.parent;
    if (ts.isBinaryExpression(parent) && parent.left === n && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && resolveIdentifier(n) === decl) {
      out.push(parent.right);
    }
  }
  return out;
}

/** Every identifier of a file with the same text as `id`, from the file's tree index. */
function identifiersNamed(id: ts.Identifier): ts.Identifier[] {
  return indexOf(id).identifiersNamed(id.text);
}

/** Every identifier in `root` that refers to `decl`. */
export function referencesTo(decl: Declaration, root: ts.Node = declaringScope(decl)): ts.Identifier[] {
  const id = declaredIdentifier(decl);
  if (!id) return [];
  return identifiersNamed(id).filter((n) => n !== id && n.pos >= root.pos && n.end <= root.end && resolveIdentifier(n) === decl);
}
