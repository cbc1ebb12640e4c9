// Classifies calls as database reads, writes or neither, from the call's shape (receiver-agnostic),
// refined by the receiver's origin so look-alikes (Map.delete, hash.update, stripe.customers.create)
// are not taken for database calls.
import { NON_DB_NAMES, VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { callChain, chainNames, chainRoot, nameOfCallee, staticText, unwrap } from './ast';
import { resolveCallee } from './functions';
import { isServiceName, isWriteHelperName, isWriteMethodName, memoByName } from './names';
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

// What a method or receiver name says, tested once per name (see memoByName): one lookup per link of a
// chain instead of a dozen set lookups and regular expressions.
const ARRAY_METHOD = 1 << 0;
const SQL_METHOD = 1 << 1;
const WRITE_METHOD = 1 << 2;
const BULK_WRITE = 1 << 3;
const READ = 1 << 4;
const SINGLE_ROW = 1 << 5;
const LIMIT_METHOD = 1 << 6;
const PAGE_OPTION = 1 << 7;
const CURSOR_METHOD = 1 << 8;
const NOT_DB_NAME = 1 << 9;
const CALLABLE_NAME = 1 << 10;
const DDL_METHOD = 1 << 11;
const SQL_WORD = /query|exec|sql|raw/i;
const MAYBE_DB = SQL_METHOD | WRITE_METHOD | BULK_WRITE | READ;
/** Methods that run a prepared statement (`stmt.run(x)`) or, on Firestore, read a query (`.get()`). */
const STATEMENT_RUNS = new Set(['run', 'all', 'get', 'iterate', 'execute']);

const nameFlags = memoByName((n: string): number => {
  let f = 0;
  if (ARRAY_METHODS.has(n)) f |= ARRAY_METHOD;
  if (VOCABULARY.sqlMethods.has(n) || SQL_WORD.test(n)) f |= SQL_METHOD;
  if (isWriteMethodName(n)) f |= WRITE_METHOD;
  if (VOCABULARY.bulkWriteMethods.has(n)) f |= BULK_WRITE;
  if (isReadName(n)) f |= READ;
  if (VOCABULARY.singleRowMethods.has(n)) f |= SINGLE_ROW;
  if (VOCABULARY.limitMethods.has(n)) f |= LIMIT_METHOD;
  if (VOCABULARY.pageOptions.has(n)) f |= PAGE_OPTION;
  if (VOCABULARY.cursorMethods.has(n)) f |= CURSOR_METHOD;
  if (NON_DB_NAMES.test(n) || isServiceName(n)) f |= NOT_DB_NAME;
  if (CALLABLE_HANDLE.test(n)) f |= CALLABLE_NAME;
  if (VOCABULARY.ddlMethods.has(n)) f |= DDL_METHOD;
  return f;
});

/** Whether a method name takes SQL text (`query`, `execute`, `$queryRaw`, `raw`). */
export function isSqlMethodName(name: string): boolean {
  return (nameFlags(name) & SQL_METHOD) !== 0;
}

/** Whether the root of a receiver chain is known not to be a database. */
export function isNonDbReceiver(expr: ts.Expression): boolean {
  const root = chainRoot(expr);
  const origin = originOf(root);
  if (origin.kind === 'non-db') return true;
  if (origin.kind === 'db' || origin.kind === 'row' || origin.kind === 'statement') return false;
  if (ts.isIdentifier(root)) return (nameFlags(root.text) & NOT_DB_NAME) !== 0;
  // this.cache.delete(key), this.stripe.customers.update(...): the field names the service.
  if (root.kind === ts.SyntaxKind.ThisKeyword) {
    const names = chainNames(expr);
    return names[0] === 'this' && names.length > 2 && (nameFlags(names[1]) & NOT_DB_NAME) !== 0;
  }
  // (A `new Stripe()` root is non-db by its origin, tested above.)
  return false;
}

/** Is `call` a knex-style callable handle: `knex('users')`, `trx(TableName.Posts)`, `this.db('t')`? */
export function isCallableTableHandle(call: ts.CallExpression): boolean {
  const name = callableShape(call);
  if (name === undefined) return false;
  const origin = originOf(unwrap(call.expression));
  if (origin.kind === 'db' && origin.library === 'knex') return true;
  return (nameFlags(name) & CALLABLE_NAME) !== 0 && (origin.kind === 'unknown' || (origin.kind === 'db' && origin.library === undefined));
}

/** The callee's name when a call is shaped like a table handle's (`x('users')`, `x(Table.Posts)`), whatever `x` is. */
function callableShape(call: ts.CallExpression): string | undefined {
  const arg = call.arguments[0];
  if (!arg || call.arguments.length > 2) return undefined;
  if (!(ts.isStringLiteralLike(arg) || ts.isPropertyAccessExpression(arg) || ts.isIdentifier(arg) || ts.isObjectLiteralExpression(arg))) return undefined;
  const callee = unwrap(call.expression);
  const name = nameOfCallee(callee);
  if (!name) return undefined;
  // `knex.schema.alterTable('t', cb)` changes the schema; it is not a table handle (`knex.table('t')` is).
  if ((name !== 'table' && (nameFlags(name) & DDL_METHOD) !== 0) || chainNames(callee).includes('schema')) return undefined;
  return name;
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
  const names: string[] = [];
  // The union of the chain's name flags says at once which of the tests below can match.
  let any = 0;
  for (const c of chain) {
    const n = nameOfCallee(c.expression) ?? '';
    names.push(n);
    any |= nameFlags(n);
  }
  const flags = nameFlags(name);
  const callee = unwrap(call.expression);
  const receiver = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee);
  // Most calls of a script are not the database's (`value.trim()`, `console.log(x)`, `rows.map(f)`):
  // without a name that reads, writes or takes SQL, only a prepared statement's run, a helper named
  // for a write or a knex-style handle (`trx('users')`, asked first: its origin is the callee's, which
  // the receiver's is part of) can be one. Any other call is none, whatever its receiver is.
  if (!(any & MAYBE_DB) && !STATEMENT_RUNS.has(name) && !(!receiver && chain.length === 1 && isWriteHelperName(name)) && !isCallableTableHandle(chain[0])) {
    return NONE;
  }

  // Array look-alikes: `rows.find(r => ...)`, `ids.filter(...)`.
  if (flags & ARRAY_METHOD && receiver) {
    const fnArg = call.arguments[0] && (ts.isArrowFunction(call.arguments[0]) || ts.isFunctionExpression(call.arguments[0]));
    const recvOrigin = originOf((callee as ts.PropertyAccessExpression).expression);
    if (fnArg || recvOrigin.kind === 'rows' || recvOrigin.kind === 'fixed' || recvOrigin.kind === 'non-db' || recvOrigin.kind === 'chunks') return NONE;
  }
  if (isNonDbReceiver(call.expression)) return NONE;

  // SQL text decides for SQL-taking calls: query('UPDATE ...'), prepare('SELECT ...').all().
  for (let i = any & SQL_METHOD ? chain.length - 1 : -1; i >= 0; i--) {
    if (!(nameFlags(names[i]) & SQL_METHOD)) continue;
    const sql = sqlOfCall(chain[i]);
    if (!sql) continue;
    if (sql.kind === 'write') return { kind: 'write', bulk: false };
    if (sql.kind === 'begin' || sql.kind === 'commit' || sql.kind === 'rollback') return { kind: sql.kind };
    if (sql.kind === 'select') {
      let single = sql.single;
      let cursor = false;
      for (let j = i + 1; j < names.length; j++) {
        const n = names[j];
        if (n === 'get' || n === 'one' || n === 'maybeOne' || n === 'oneFirst') single = true;
        else if (n === 'iterate' || n === 'each' || n === 'stream' || n === 'cursor') cursor = true;
      }
      return { kind: 'read', bounded: sql.bounded || single, single, page: sql.offset, cursor };
    }
    return NONE;
  }
  // A prepared statement run later: `const stmt = db.prepare('UPDATE ...'); stmt.run(x)`.
  if (receiver && STATEMENT_RUNS.has(name)) {
    const o = originOf((callee as ts.PropertyAccessExpression).expression);
    if (o.kind === 'statement') {
      if (o.sqlKind === 'write') return { kind: 'write', bulk: false };
      if (o.sqlKind === 'select') return { kind: 'read', bounded: o.bounded || name === 'get', single: name === 'get', page: false, cursor: name === 'iterate' };
      if (o.sqlKind === 'begin' || o.sqlKind === 'commit' || o.sqlKind === 'rollback') return { kind: o.sqlKind };
    }
  }

  if (any & WRITE_METHOD && (receiver || chain.length > 1)) return { kind: 'write', bulk: (any & BULK_WRITE) !== 0 };
  if (flags & BULK_WRITE && receiver) return { kind: 'write', bulk: true };
  if (!receiver && chain.length === 1 && isWriteHelperName(name) && isAwaited(call) && isUnreadableImport(call)) return { kind: 'write', bulk: false };
  // Firestore: collection(...).where(...).get() reads every matching document.
  if (name === 'get' && call.arguments.length === 0 && names.some((n) => n === 'collection' || n === 'collectionGroup') && !names.includes('doc')) {
    const limited = names.some((n) => n === 'limit' || n === 'limitToLast');
    return { kind: 'read', bounded: limited, single: false, page: names.includes('startAfter') || names.includes('offset'), cursor: false };
  }

  let readIndex = -1;
  if (any & READ) {
    for (let i = 0; i < names.length; i++) {
      if (nameFlags(names[i]) & READ && (i > 0 || receiver || chain.length > 1)) {
        readIndex = i;
        break;
      }
    }
  }
  const callableRoot = chain.length > 0 && isCallableTableHandle(chain[0]);
  if (readIndex < 0 && !callableRoot) return NONE;
  // Every read-named link is a single-row one (`findOne`, `first`), and there is one.
  if (any & SINGLE_ROW && names.every((n) => (nameFlags(n) & (SINGLE_ROW | READ)) !== READ)) {
    return { kind: 'read', bounded: true, single: true, page: false, cursor: false };
  }
  let bounded = false;
  let single = false;
  let page = false;
  for (let i = 0; i < chain.length; i++) {
    const n = names[i];
    const f = nameFlags(n);
    const link = chain[i];
    if (f & SINGLE_ROW && i >= readIndex) single = true;
    if (n === 'first') single = true;
    else if (f & LIMIT_METHOD && hasRealLimit(link.arguments[0])) {
      bounded = true;
      if (unwrap(link.arguments[0]).getText() === '1') single = true;
    }
    if (f & PAGE_OPTION) page = true;
    for (const arg of link.arguments) {
      if (hasRealLimit(objectHasKey(arg, VOCABULARY.limitOptions))) bounded = true;
      if (objectHasKey(arg, VOCABULARY.pageOptions)) page = true;
      // TypeORM/Mongo: find({ ... }, { limit }) or find({ where, take }).
    }
  }
  const cursor = (any & CURSOR_METHOD) !== 0 && !names.includes('toArray') && !names.includes('exec') && !names.includes('lean');
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
