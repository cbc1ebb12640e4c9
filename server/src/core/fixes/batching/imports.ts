// Adds `eachBatch` and an adapter to a file's imports of evolve-runtime, in the file's module style.
import { ts } from '../../ts';
import type { TextEdit } from '../../types';

export const RUNTIME_MODULE = 'evolve-runtime';

function isEsm(sf: ts.SourceFile): boolean {
  if (sf.statements.some((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s) || ts.isExportAssignment(s))) return true;
  if (sf.statements.some((s) => ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) return true;
  if (/\brequire\s*\(|\bmodule\.exports\b|\bexports\.\w+\s*=/.test(sf.text)) return false;
  return !/\.(c?js)$/.test(sf.fileName);
}

function requireOf(s: ts.Statement): { decl: ts.VariableDeclaration; module: string } | undefined {
  if (!ts.isVariableStatement(s)) return undefined;
  const decl = s.declarationList.declarations[0];
  const init = decl?.initializer;
  if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'require' && init.arguments[0] && ts.isStringLiteral(init.arguments[0])) {
    return { decl, module: init.arguments[0].text };
  }
  return undefined;
}

/** Edits that make `names` importable from evolve-runtime (or from `modulePath`, for a vendored copy). */
export function importEdits(sf: ts.SourceFile, names: string[], modulePath = RUNTIME_MODULE): TextEdit[] {
  const esm = isEsm(sf);
  for (const s of sf.statements) {
    // A type-only import cannot take values (`Op`, `MoreThan`): those get an import of their own;
    // it takes types (`type PoolClient`) without their `type` keyword.
    const typeOnly = !!(ts.isImportDeclaration(s) && s.importClause?.isTypeOnly);
    const allTypes = names.every((n) => n.startsWith('type '));
    if (esm && ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text === modulePath && (!typeOnly || allTypes)) {
      const bindings = s.importClause?.namedBindings;
      if (bindings && ts.isNamedImports(bindings)) {
        const have = new Set(bindings.elements.map((e) => e.name.text));
        const missing = names.filter((n) => !have.has(n.replace(/^type /, ''))).map((n) => (typeOnly ? n.replace(/^type /, '') : n));
        if (missing.length === 0) return [];
        const last = bindings.elements[bindings.elements.length - 1];
        return [{ start: last.getEnd(), end: last.getEnd(), newText: `, ${missing.join(', ')}` }];
      }
    }
    const req = !esm && !names.some((n) => n.startsWith('type ')) ? requireOf(s) : undefined;
    if (req && req.module === modulePath && ts.isObjectBindingPattern(req.decl.name)) {
      const have = new Set(req.decl.name.elements.map((e) => (e.name as ts.Identifier).text));
      const missing = names.filter((n) => !have.has(n));
      if (missing.length === 0) return [];
      const last = req.decl.name.elements[req.decl.name.elements.length - 1];
      return [{ start: last.getEnd(), end: last.getEnd(), newText: `, ${missing.join(', ')}` }];
    }
  }
  // Types only (`type PoolClient`): an `import type`, which a CommonJS-style TypeScript file takes too.
  const line = names.every((n) => n.startsWith('type '))
    ? `import type { ${names.map((n) => n.slice(5)).join(', ')} } from '${modulePath}';`
    : esm
      ? `import { ${names.join(', ')} } from '${modulePath}';`
      : `const { ${names.join(', ')} } = require('${modulePath}');`;;
  // After the last import/require at the top of the file, else after leading comments and directives.
  let anchor: ts.Statement | undefined;
  for (const s of sf.statements) {
    if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || requireOf(s)) anchor = s;
    else if (ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)) anchor = anchor ?? s;
    else break;
  }
  if (anchor) return [{ start: anchor.getEnd(), end: anchor.getEnd(), newText: `\n${line}` }];
  const first = sf.statements[0];
  const at = first ? first.getStart(sf) : sf.text.length;
  return [{ start: at, end: at, newText: `${line}\n${first ? '\n' : ''}` }];
}
