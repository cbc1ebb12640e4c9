// Classifies calls as database reads, writes or neither, from the call's shape (receiver-agnostic),
// refined by the receiver's origin so look-alikes (Map.delete, hash.update, stripe.customers.create)
// are not taken for database calls.
import { NON_DB_NAMES, VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { callChain, chainNames, chainRoot, nameOfCallee, staticText, unwrap } from './ast';
import { resolveCallee } from './functions';
import { isServiceName, isWriteHelperName, isWriteMethodName } from './names';
import { originOf, stringValue } from './origins';
import { resolveIdentifier } from './scope';
import { classifySql } from './sql';

export type CallInfo =
  /** `single`: one row (findOne, get, LIMIT 1); `bounded`: limited or single; `page`: skip/offset/cursor paging. */
  | { kind: 'read'; bounded: boolean; single: boolean; page: boolean; cursor: boolean }
  | { kind: 'write'; bulk: boolean }
  | { kind: 'begin' | 'commit' | 'rollback' }
  | { kind: 'none' };

const NONE: CallInfo = { kind: 'none' };
let cache = new WeakMap<ts.Node, CallInfo>();
onTreeReuse(() => {
  cache = new WeakMap();
});

/** Names conventionally given to a knex-style callable handle (`knex('users')`, `trx('posts')`). */
const CALLABLE_HANDLE = /^(knex|trx|tx|db|database|conn|connection|transaction|k|qb|kx|transacting|migration)$/i;
const ARRAY_METHODS = new Set(['find', 'filter', 'map', 'forEach', 'some', 'every', 'reduce', 'findIndex', 'includes', 'flatMap', 'sort', 'slice', 'splice', 'concat', 'join', 'indexOf', 'push', 'pop', 'shift', 'unshift', 'at', 'keys', 'values', 'entries', 'fill', 'reverse', 'findLast']);
const SQL_OPTION_KEYS = new Set(['sql', 'text', 'query']);
const NO_LIMIT = new Set(['0', 'Infinity', 'null', 'undefined']);

/** Whether the root of a receiver chain is known not to be a database. */
export function isNonDbReceiver(expr: ts.Expression): boolean {
  const root = chainRoot(expr);
  const origin = originOf(root);
  if (origin.kind === 'non-db') return true;
  if (origin.kind === 'db' || origin.kind === 'row' || origin.kind === 'statement') return false;
  if (ts.isIdentifier(root) && (NON_DB_NAMES.test(root.text) || isServiceName(root.text))) return true;
  // this.cache.delete(key), this.stripe.customers.update(...): the field names the service.
  const names = chainNames(expr);
  if (names[0] === 'this' && names.length > 2 && (NON_DB_NAMES.test(names[1]) || isServiceName(names[1]))) return true;
  if (ts.isCallExpression(root) || ts.isNewExpression(root)) return originOf(root).kind === 'non-db';
  return false;
}

/** Is `call` a knex-style callable handle: `knex('users')`, `trx(TableName.Posts)`, `this.db('t')`? */
export function isCallableTableHandle(call: ts.CallExpression): boolean {
  const arg = call.arguments[0];
  if (!arg || call.arguments.length > 2) return false;
  if (!(ts.isStringLiteralLike(arg) || ts.isPropertyAccessExpression(arg) || ts.isIdentifier(arg) || ts.isObjectLiteralExpression(arg))) return false;
  const callee = unwrap(call.expression);
  const name = nameOfCallee(callee);
  if (!name) return false;
  // `knex.schema.alterTable('t', cb)` changes the schema; it is not a table handle (`knex.table('t')` is).
  if (chainNames(callee).includes('schema') || (name !== 'table' && VOCABULARY.ddlMethods.has(name))) return false;
  const origin = originOf(callee);
  if (origin.kind === 'db' && origin.library === 'knex') return true;
  return CALLABLE_HANDLE.test(name) && (origin.kind === 'unknown' || (origin.kind === 'db' && origin.library === undefined));
}

function objectHasKey(arg: ts.Expression | undefined, keys: Set<string>): ts.Expression | undefined {
  if (!arg) return undefined;
  const a = unwrap(arg);
  if (!ts.isObjectLiteralExpression(a)) return undefined;
  for (const p of a.properties) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (name && keys.has(name)) return ts.isPropertyAssignment(p) ? p.initializer : ts.isShorthandPropertyAssignment(p) ? p.name : a;
  }
  return undefined;
}

function hasRealLimit(value: ts.Expression | undefined): boolean {
  if (!value) return false;
  const text = unwrap(value).getText();
  return !NO_LIMIT.has(text);
}

/** SQL passed to a call: a string, a template, a tagged template, or a variable holding one. */
function sqlOfCall(call: ts.CallExpression): ReturnType<typeof classifySql> {
  let arg = call.arguments[0];
  if (!arg) return undefined;
  // execute({ sql: sql`...` }), query({ text: '...', values })
  const option = objectHasKey(arg, SQL_OPTION_KEYS);
  if (option) arg = option;
  const text = stringValue(arg) ?? staticText(arg);
  return text === undefined ? undefined : classifySql(text);
}

function classifyUncached(call: ts.CallExpression): CallInfo {
  const name = nameOfCallee(call.expression);
  if (!name) return NONE;
  const chain = callChain(call);
  const names = chain.map((c) => nameOfCallee(c.expression) ?? '');
  const receiver = ts.isPropertyAccessExpression(unwrap(call.expression)) || ts.isElementAccessExpression(unwrap(call.expression));

  // Array look-alikes: `rows.find(r => ...)`, `ids.filter(...)`.
  if (ARRAY_METHODS.has(name) && receiver) {
    const fnArg = call.arguments[0] && (ts.isArrowFunction(call.arguments[0]) || ts.isFunctionExpression(call.arguments[0]));
    const recvOrigin = originOf((unwrap(call.expression) as ts.PropertyAccessExpression).expression);
    if (fnArg || recvOrigin.kind === 'rows' || recvOrigin.kind === 'fixed' || recvOrigin.kind === 'non-db' || recvOrigin.kind === 'chunks') return NONE;
  }
  if (isNonDbReceiver(call.expression)) return NONE;

  // SQL text decides for SQL-taking calls: query('UPDATE ...'), prepare('SELECT ...').all().
  for (let i = chain.length - 1; i >= 0; i--) {
    const link = chain[i];
    const linkName = names[i];
    const isSqlCall = VOCABULARY.sqlMethods.has(linkName) || /query|exec|sql|raw/i.test(linkName);
    if (!isSqlCall) continue;
    const sql = sqlOfCall(link);
    if (!sql) continue;
    if (sql.kind === 'write') return { kind: 'write', bulk: false };
    if (sql.kind === 'begin' || sql.kind === 'commit' || sql.kind === 'rollback') return { kind: sql.kind };
    if (sql.kind === 'select') {
      const single = sql.single || names.slice(i + 1).some((n) => n === 'get' || n === 'one' || n === 'maybeOne' || n === 'oneFirst');
      const cursor = names.slice(i + 1).some((n) => n === 'iterate' || n === 'each' || n === 'stream' || n === 'cursor');
      return { kind: 'read', bounded: sql.bounded || single, single, page: sql.offset, cursor };
    }
    return NONE;
  }
  // A prepared statement run later: `const stmt = db.prepare('UPDATE ...'); stmt.run(x)`.
  if (receiver && (name === 'run' || name === 'all' || name === 'get' || name === 'iterate' || name === 'execute')) {
    const o = originOf((unwrap(call.expression) as ts.PropertyAccessExpression).expression);
    if (o.kind === 'statement') {
      if (o.sqlKind === 'write') return { kind: 'write', bulk: false };
      if (o.sqlKind === 'select') return { kind: 'read', bounded: o.bounded || name === 'get', single: name === 'get', page: false, cursor: name === 'iterate' };
      if (o.sqlKind === 'begin' || o.sqlKind === 'commit' || o.sqlKind === 'rollback') return { kind: o.sqlKind };
    }
  }

  const writeIndex = names.findIndex((n) => isWriteMethodName(n));
  if (writeIndex >= 0 && (receiver || chain.length > 1)) {
    const bulk = names.some((n) => VOCABULARY.bulkWriteMethods.has(n));
    return { kind: 'write', bulk };
  }
  if (VOCABULARY.bulkWriteMethods.has(name) && receiver) return { kind: 'write', bulk: true };
  if (!receiver && chain.length === 1 && isWriteHelperName(name) && isAwaited(call) && isUnreadableImport(call)) return { kind: 'write', bulk: false };
  // Firestore: collection(...).where(...).get() reads every matching document.
  if (name === 'get' && call.arguments.length === 0 && names.some((n) => n === 'collection' || n === 'collectionGroup') && !names.includes('doc')) {
    const limited = names.some((n) => n === 'limit' || n === 'limitToLast');
    return { kind: 'read', bounded: limited, single: false, page: names.includes('startAfter') || names.includes('offset'), cursor: false };
  }

  const readIndex = names.findIndex((n, i) => isReadName(n) && (i > 0 || receiver || chain.length > 1));
  const callableRoot = chain.length > 0 && isCallableTableHandle(chain[0]);
  if (readIndex < 0 && !callableRoot) return NONE;
  if (names.every((n) => VOCABULARY.singleRowMethods.has(n) || !isReadName(n)) && names.some((n) => VOCABULARY.singleRowMethods.has(n))) {
    return { kind: 'read', bounded: true, single: true, page: false, cursor: false };
  }
  let bounded = false;
  let single = false;
  let page = false;
  for (let i = 0; i < chain.length; i++) {
    const n = names[i];
    const link = chain[i];
    if (VOCABULARY.singleRowMethods.has(n) && i >= readIndex) single = true;
    if (n === 'first') single = true;
    else if (VOCABULARY.limitMethods.has(n) && hasRealLimit(link.arguments[0])) {
      bounded = true;
      if (unwrap(link.arguments[0]).getText() === '1') single = true;
    }
    if (VOCABULARY.pageOptions.has(n)) page = true;
    for (const arg of link.arguments) {
      if (hasRealLimit(objectHasKey(arg, VOCABULARY.limitOptions))) bounded = true;
      if (objectHasKey(arg, VOCABULARY.pageOptions)) page = true;
      // TypeORM/Mongo: find({ ... }, { limit }) or find({ where, take }).
    }
  }
  const cursor = names.some((n) => VOCABULARY.cursorMethods.has(n)) && !names.includes('toArray') && !names.includes('exec') && !names.includes('lean');
  return { kind: 'read', bounded: bounded || single, single, page, cursor };
}

function isAwaited(call: ts.CallExpression): boolean {
  const p = call.parent;
  return ts.isAwaitExpression(p) || (ts.isArrowFunction(p) && p.body === call) || ts.isReturnStatement(p);
}

/** A call to a function imported from a module Evolve cannot read (a package, or an unresolved path alias). */
function isUnreadableImport(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  if (!ts.isIdentifier(callee)) return false;
  const decl = resolveIdentifier(callee);
  const imported = !!decl && (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || (ts.isBindingElement(decl) && /\brequire\s*\(/.test(decl.parent.parent.getText())));
  return imported && !resolveCallee(call);
}

function isReadName(n: string): boolean {
  if (VOCABULARY.readMethods.has(n) || VOCABULARY.cursorMethods.has(n)) return true;
  // Repositories: findAllByOrg, findOrganizationEnvironments, findBatch, getAllUsers, retrieveAll.
  if (/^find[A-Z]/.test(n)) return !/^find(One|First|Unique|ById|ByPk|Last)(?![a-z])|^findOr[A-Z]/.test(n) && /(s|All|Many|Batch|List)([A-Z]|$)/.test(n.slice(4));
  return /^(get|list|fetch|load|retrieve|read|select|query)(All|Many|Every)([A-Z]|$)/.test(n);
}

export function classifyCall(call: ts.CallExpression): CallInfo {
  let info = cache.get(call);
  if (!info) {
    info = classifyUncached(call);
    cache.set(call, info);
  }
  return info;
}

/** Write detection for tagged templates: sql`UPDATE ...` run directly (postgres.js) or passed to execute. */
export function classifyTaggedTemplate(node: ts.TaggedTemplateExpression): CallInfo {
  const tag = nameOfCallee(node.tag) ?? '';
  if (!/sql|query|raw|exec/i.test(tag)) return NONE;
  const sql = classifySql(staticText(node.template) ?? '');
  if (!sql) return NONE;
  if (sql.kind === 'write') return { kind: 'write', bulk: false };
  if (sql.kind === 'begin' || sql.kind === 'commit' || sql.kind === 'rollback') return { kind: sql.kind };
  if (sql.kind === 'select') return { kind: 'read', bounded: sql.bounded, single: sql.single, page: sql.offset, cursor: false };
  return NONE;
}
