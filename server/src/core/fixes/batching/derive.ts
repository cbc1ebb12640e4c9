// Derives a keyset page fetch from the read an unbatched loop iterates, for the libraries that have an
// evolve-runtime adapter. Returns why not when it cannot be done safely.
import { callChain, nameOfCallee, staticText, unwrap } from '../../semantics/ast';
import { isCallableTableHandle } from '../../semantics/calls';
import { classifySql } from '../../semantics/sql';
import { ts } from '../../ts';
import { deriveKysely } from './derive-kysely';
import { deriveMongodb, deriveMongoose } from './derive-mongo';
import { deriveSequelize } from './derive-sequelize';
import { derivePostgresQuery, quoteSql, splitSelect } from './derive-sql';
import { deriveTypeorm } from './derive-typeorm';

export interface FetchPlan {
  /** Adapter factory in evolve-runtime, and the handle it is given (`knexAdapter(knex)`). */
  adapter: string;
  handle: ts.Identifier;
  /** The page fetch, given the transaction parameter's name, the key column and the rows' declared type. */
  fetch(tx: string, key: string, rowType?: string): string;
  /** The key column when the query shows it. */
  key: string | undefined;
  /** The key function's parameter (typed `any` where the library's rows are untyped, e.g. knex). */
  rowParam?: string;
  /** The read resolves to `{ rows }` (node-postgres, PGlite), and the fetch returns the rows. */
  resultRows?: boolean;
  /** The adapter expression when it is not `adapter(handle)`: `mongodbAdapter(client, db)`. */
  adapterCall?: string;
  /** Names the fetch or the body needs from the library itself (`Op` from sequelize). */
  imports?: { module: string; names: string[] }[];
  /** Names to try for the batch's transaction parameter; default trx, tx, batchTx. */
  txNames?: string[];
  /**
   * How the loop body's writes join the batch's transaction, where that is not by replacing the
   * handle (Sequelize's `{ transaction }` and MongoDB's `{ session }` options); or why they cannot.
   */
  bodyEdits?(body: ts.Node, tx: string, item: ts.Identifier | undefined): BodyEdit[] | { reason: string };
}

/** A replacement in the source file's coordinates. */
export interface BodyEdit {
  start: number;
  end: number;
  text: string;
}

export type Derivation = FetchPlan | { reason: string };

const KNEX_UNSAFE = new Set(['limit', 'offset', 'orderBy', 'orderByRaw', 'first', 'join', 'innerJoin', 'leftJoin', 'rightJoin', 'fullOuterJoin', 'crossJoin', 'joinRaw', 'groupBy', 'groupByRaw', 'having', 'distinct', 'distinctOn', 'union', 'unionAll', 'pluck', 'stream', 'modify', 'then']);
const PRISMA_UNSAFE = new Set(['take', 'skip', 'cursor', 'orderBy', 'distinct']);

/** Fetch parameters; typed in TypeScript files so the rows' type flows into the batch body. */
function fetchParams(read: ts.Node, tx: string, txType: string): string {
  return /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName) ? `(after: any, size: number, ${tx}: ${txType})` : `(after, size, ${tx})`;
}

function indentLines(text: string, by: string): string {
  return text.split('\n').map((l, i) => (i === 0 || !l.trim() ? l : by + l)).join('\n');
}

function deriveKnex(read: ts.CallExpression): Derivation | undefined {
  const chain = callChain(read);
  if (chain.length === 0 || !isCallableTableHandle(chain[0])) return undefined;
  const callee = unwrap(chain[0].expression);
  if (!ts.isIdentifier(callee)) return { reason: 'the query builder is not called on a plain knex handle' };
  const names = chain.slice(1).map((c) => nameOfCallee(c.expression) ?? '');
  const unsafe = names.find((n) => KNEX_UNSAFE.has(n));
  if (unsafe) return { reason: `the query uses \`${unsafe}()\`, so its rows cannot be re-read in key order safely` };
  const selectCall = chain.find((c) => nameOfCallee(c.expression) === 'select');
  const selected = selectCall?.arguments.map((a) => staticText(a)) ?? [];
  const key = selectCall === undefined || selected.some((s) => s === '*' || s === 'id' || s?.endsWith('.id')) ? 'id' : undefined;
  if (selectCall && !key) return { reason: 'the query does not select the table\'s primary key, which the batches are ordered by' };
  const table = chain[0].arguments[0].getText();
  const sf = read.getSourceFile();
  const rest = sf.text.slice(chain[0].getEnd(), read.getEnd());
  return {
    adapter: 'knexAdapter',
    handle: callee,
    key,
    rowParam: /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName) ? '(row: any)' : undefined,
    fetch: (tx, k) =>
      `async ${fetchParams(read, tx, `typeof ${callee.text}`)} =>\n  ${tx}(${table})${indentLines(rest, '')}\n    .modify((query) => {\n      if (after !== undefined) query.where(${k}, '>', after);\n    })\n    .orderBy(${k})\n    .limit(size)`,
  };
}

function derivePrisma(read: ts.CallExpression): Derivation | undefined {
  if (nameOfCallee(read.expression) !== 'findMany') return undefined;
  const callee = unwrap(read.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isPropertyAccessExpression(callee.expression) || !ts.isIdentifier(callee.expression.expression)) {
    return { reason: 'findMany is not called as `client.model.findMany(...)`' };
  }
  const handle = callee.expression.expression;
  const model = callee.expression.name.text;
  const arg = read.arguments[0] ? unwrap(read.arguments[0]) : undefined;
  if (arg && !ts.isObjectLiteralExpression(arg)) return { reason: 'the findMany arguments are not an object literal Evolve can extend' };
  const props = arg && ts.isObjectLiteralExpression(arg) ? arg.properties : ([] as unknown as ts.NodeArray<ts.ObjectLiteralElementLike>);
  for (const p of props) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (!name) return { reason: 'the findMany arguments spread or compute their keys' };
    if (PRISMA_UNSAFE.has(name)) return { reason: `the query already uses \`${name}\`` };
    if (name === 'select' && ts.isPropertyAssignment(p) && !/\bid\s*:\s*true\b/.test(p.initializer.getText())) {
      return { reason: 'the query does not select `id`, which the batches are ordered by' };
    }
  }
  const kept = props.map((p) => p.getText()).join(', ');
  return {
    adapter: 'prismaAdapter',
    handle,
    key: 'id',
    fetch: (tx, k) => {
      const field = k.replace(/^'|'$/g, '');
      const txType = `Omit<typeof ${handle.text}, '$connect' | '$disconnect' | '$on' | '$transaction' | '$use' | '$extends'>`;
      return `${fetchParams(read, tx, txType)} =>\n  ${tx}.${model}.findMany({\n    ${kept ? kept + ',\n    ' : ''}orderBy: { ${field}: 'asc' },\n    take: size,\n    ...(after === undefined ? {} : { cursor: { ${field}: after }, skip: 1 }),\n  })`;
    },
  };
}

function deriveBetterSqlite3(read: ts.CallExpression): Derivation | undefined {
  const chain = callChain(read);
  const names = chain.map((c) => nameOfCallee(c.expression) ?? '');
  const p = names.indexOf('prepare');
  if (p < 0 || names[names.length - 1] !== 'all' || p !== names.length - 2) return undefined;
  const prepare = chain[p];
  const callee = unwrap(prepare.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return { reason: 'prepare() is not called on a plain database handle' };
  const sqlArg = prepare.arguments[0];
  if (!sqlArg || !ts.isStringLiteralLike(sqlArg)) return { reason: 'the SELECT is not a literal string Evolve can extend' };
  const sql = sqlArg.text.trim().replace(/;$/, '');
  if (classifySql(sql)?.kind !== 'select') return undefined;
  const parts = splitSelect(sql);
  if ('reason' in parts) return parts;
  const key = parts.key;
  const args = chain[chain.length - 1].arguments.map((a) => a.getText());
  const handle = callee.expression;
  const isTs = /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName);
  return {
    adapter: 'betterSqlite3Adapter',
    handle,
    key,
    fetch: (tx, k, rowType) => {
      const col = k.replace(/^'|'$/g, '');
      const where = parts.where ? `WHERE (${parts.where}) AND (? IS NULL OR ${col} > ?)` : `WHERE (? IS NULL OR ${col} > ?)`;
      const text = `SELECT ${parts.columns} FROM ${parts.from} ${where} ORDER BY ${col} LIMIT ?`;
      const params = [...args, 'after ?? null', 'after ?? null', 'size'].join(', ');
      return `${fetchParams(read, tx, `typeof ${handle.text}`)} =>\n  ${tx}.prepare(${quoteSql(text)}).all(${params})${isTs ? ` as ${rowType ?? 'Record<string, any>[]'}` : ''}`;
    },
  };
}

const SUPPORTED =
  'the automatic rewrite covers the query shapes of docs/authoring.md for knex, Kysely, node-postgres, PGlite, better-sqlite3, Prisma, TypeORM, Sequelize, MongoDB and Mongoose, and this read is not one of them (slonik and Drizzle have no evolve-runtime adapter); rewrite this loop with eachBatch by hand (see docs/runtime.md)';

/** How to fetch keyset pages of the rows `read` returns, or why Evolve cannot say. */
export function deriveFetch(read: ts.Node, options: { cursor?: boolean } = {}): Derivation {
  const call = ts.isCallExpression(read) ? read : undefined;
  if (!call) return { reason: 'the rows do not come from a query call Evolve can rewrite' };
  // `for await` over a cursor: only MongoDB's find() cursor and Mongoose's cursor() are re-read in pages.
  if (options.cursor) {
    return (
      deriveMongodb(call, true) ??
      deriveMongoose(call, true) ?? {
        reason: 'the loop iterates a stream or cursor with for await; the automatic rewrite handles MongoDB find() and Mongoose cursor() cursors only, so rewrite this loop with eachBatch by hand',
      }
    );
  }
  return (
    deriveKnex(call) ??
    derivePrisma(call) ??
    deriveBetterSqlite3(call) ??
    derivePostgresQuery(call) ??
    deriveKysely(call) ??
    deriveMongodb(call) ??
    deriveMongoose(call) ??
    deriveSequelize(call) ??
    deriveTypeorm(call) ?? { reason: SUPPORTED }
  );
}
