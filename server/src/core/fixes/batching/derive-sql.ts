// Keyset fetches for SQL text: better-sqlite3's `prepare('SELECT ...').all(...)` and the
// PostgreSQL clients whose `query(text, values)` resolves to `{ rows }` (node-postgres, PGlite).
import { nameOfCallee, unwrap } from '../../semantics/ast';
import { resolveIdentifier } from '../../semantics/scope';
import { classifySql } from '../../semantics/sql';
import { ts } from '../../ts';
import type { Derivation } from './derive';

export interface SelectParts {
  columns: string;
  from: string;
  where: string | undefined;
  key: string;
}

/** `SELECT cols FROM table [WHERE ...]` with the primary key among the columns, or why not. */
export function splitSelect(sql: string): SelectParts | { reason: string } {
  if (/\b(order\s+by|limit|offset|group\s+by|having|union|join|distinct)\b/i.test(sql)) {
    return { reason: 'the SELECT has ORDER BY, LIMIT, GROUP BY, JOIN, UNION or DISTINCT, so its rows cannot be re-read in key order safely' };
  }
  const m = /^select\s+([\s\S]+?)\s+from\s+([\w."`[\]]+)(?:\s+(?:as\s+)?\w+)?(\s+where\s+[\s\S]+)?$/i.exec(sql);
  if (!m) return { reason: 'the SELECT is not of the form SELECT ... FROM table [WHERE ...]' };
  const columns = m[1].split(',').map((c) => c.trim());
  if (!columns.includes('*') && !columns.includes('id')) return { reason: 'the SELECT does not read the primary key, which the batches are ordered by' };
  return { columns: m[1], from: m[2], where: m[3]?.trim().replace(/^where\s+/i, ''), key: 'id' };
}

export function quoteSql(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\r?\n/g, '\\n')}'`;
}

/**
 * The node-postgres type of each batch's connection, when the handle's declared type or constructor
 * shows it: a Pool lends a PoolClient per batch, a Client runs the batches itself.
 */
function pgBatchClientType(handle: ts.Identifier): 'PoolClient' | 'Client' | undefined {
  const decl = resolveIdentifier(handle);
  const declared = decl && (ts.isParameter(decl) || ts.isVariableDeclaration(decl)) ? `${decl.type?.getText() ?? ''} ${decl.initializer?.getText() ?? ''}` : '';
  if (/\b(Pool|PoolClient)\b/.test(declared)) return 'PoolClient';
  if (/\bClient\b/.test(declared)) return 'Client';
  return undefined;
}

/** Which PostgreSQL client a handle is, from its declared type, its constructor or the file's imports. */
function postgresClient(handle: ts.Identifier): 'pg' | 'pglite' | undefined {
  const decl = resolveIdentifier(handle);
  const declared = decl && (ts.isParameter(decl) || ts.isVariableDeclaration(decl)) ? `${decl.type?.getText() ?? ''} ${decl.initializer?.getText() ?? ''}` : '';
  if (/\bPGlite\b/.test(declared)) return 'pglite';
  if (/\b(Pool|PoolClient|Client|ClientBase)\b/.test(declared)) return 'pg';
  const modules = handle
    .getSourceFile()
    .statements.filter(ts.isImportDeclaration)
    .map((s) => (s.moduleSpecifier as ts.StringLiteral).text);
  const pglite = modules.some((m) => m.startsWith('@electric-sql/pglite'));
  const pg = modules.includes('pg') || modules.includes('pg-pool');
  return pglite === pg ? undefined : pglite ? 'pglite' : 'pg';
}

/** `pool.query('SELECT ...', [values])` on node-postgres or PGlite. */
export function derivePostgresQuery(read: ts.CallExpression): Derivation | undefined {
  if (nameOfCallee(read.expression) !== 'query') return undefined;
  const callee = unwrap(read.expression);
  const sqlArg = read.arguments[0];
  if (!ts.isPropertyAccessExpression(callee) || !sqlArg || !ts.isStringLiteralLike(sqlArg)) return undefined;
  const sql = sqlArg.text.trim().replace(/;$/, '');
  if (classifySql(sql)?.kind !== 'select') return undefined;
  if (!ts.isIdentifier(callee.expression)) return { reason: 'query() is not called on a plain pool, client or PGlite handle' };
  const handle = callee.expression;
  const client = postgresClient(handle);
  if (!client) return { reason: `Evolve cannot tell whether \`${handle.text}\` is a node-postgres or a PGlite handle; give it a type (Pool, Client or PGlite)` };
  const values = read.arguments[1] ? unwrap(read.arguments[1]) : undefined;
  if (values && !ts.isArrayLiteralExpression(values)) return { reason: 'the query values are not an array literal Evolve can extend' };
  if (read.arguments.length > 2) return { reason: 'the query passes options Evolve cannot carry into each batch' };
  const parts = splitSelect(sql);
  if ('reason' in parts) return parts;
  const used = Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])), values?.elements.length ?? 0);
  const isTs = /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName);
  const typeArgs = read.typeArguments ? `<${read.typeArguments.map((t) => t.getText()).join(', ')}>` : '';
  // Typed as pg's own client, the batch's handle keeps `query<Row>(...)` and every query overload.
  const batchType = client === 'pg' && isTs ? pgBatchClientType(handle) : undefined;
  const generic = client === 'pglite' || !!batchType;
  return {
    adapter: client === 'pg' ? 'pgAdapter' : 'pgliteAdapter',
    adapterCall: batchType ? `pgAdapter<${batchType}>(${handle.text})` : undefined,
    imports: batchType ? [{ module: 'pg', names: [`type ${batchType}`] }] : undefined,
    handle,
    key: parts.key,
    resultRows: true,
    fetch: (tx, k) => {
      const col = k.replace(/^'|'$/g, '');
      const [a, s] = [`$${used + 1}`, `$${used + 2}`];
      // `$n IS NULL` first would leave PostgreSQL unable to type the parameter; the comparison types it.
      const keyset = `(${col} > ${a} OR ${a} IS NULL)`;
      const text = `SELECT ${parts.columns} FROM ${parts.from} WHERE ${parts.where ? `(${parts.where}) AND ${keyset}` : keyset} ORDER BY ${col} LIMIT ${s}`;
      const params = [...(values?.elements.map((e) => e.getText()) ?? []), 'after ?? null', 'size'].join(', ');
      // PgQueryable.query (the pg adapter's default batch handle) is not generic: the row type becomes a cast.
      const call = generic ? `${tx}.query${typeArgs}(${quoteSql(text)}, [${params}])` : `${tx}.query(${quoteSql(text)}, [${params}])`;
      const cast = !generic && typeArgs ? ` as ${read.typeArguments![0].getText()}[]` : '';
      return `async ${isTs ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  (await ${call}).rows${cast}`;
    },
  };
}
