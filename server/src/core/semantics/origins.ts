// Where a value comes from: rows of a read (bounded or not), a cursor, chunks of an array, one row,
// a fixed list written in code, a database handle, or something that is not a database at all.
import { NON_DB_CONSTRUCTORS, NON_DB_MODULES, LIBRARIES, VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { onTreeReuse } from './node-facts';
import { isFunctionLike, nameOfCallee, staticText, unwrap } from './ast';
import { checkBudget } from './budget';
import { classifyCall, classifyTaggedTemplate } from './calls';
import { UNKNOWN, type Origin } from './context';
import { exportedDeclaration, paramArgumentOrigins, resolveCallee, summaryOf } from './functions';
import { assignmentsTo, resolveIdentifier, type Declaration } from './scope';
import { isServiceName, memoByName } from './names';
import { classifySql } from './sql';

let cache = new WeakMap<ts.Node, Origin>();
/** Origins of declarations, shared by every reference to one (see originOfDeclaration). */
let declarationCache = new WeakMap<ts.Node, Origin>();
// A new set with every reset rather than one cleared: a module-level Set outlives many analyses in
// the old generation, and the tables it drops as it grows, shrinks or clears stay there holding the
// nodes they had, which keeps those trees alive through every young-generation GC until a full one.
let inProgress = new Set<ts.Node>();
/** How many times originOf gave up on a node already being worked out (a cycle) or on depth. */
let cuts = 0;
onTreeReuse(() => {
  cache = new WeakMap();
  declarationCache = new WeakMap();
  inProgress = new Set();
});

const HANDLE_PARAM =
  /^(knex|trx|tx|db|database|conn|connection|client|pool|prisma|queryRunner|manager|entityManager|em|dataSource|sequelize|queryInterface|mongoose|mongo|session|models|repo|repository|sql|transaction|context)$/;
const ROW_TRANSFORMS = new Set(['map', 'filter', 'flatMap', 'sort', 'reverse', 'concat', 'flat', 'toSorted', 'toReversed', 'slice', 'values', 'keys', 'entries', 'lean', 'exec', 'toArray']);
const COLLECTION_FUNCTIONS = /^(uniq|uniqBy|sortBy|orderBy|filter|map|compact|flatten|flattenDeep|groupBy|values|keys|entries|from|partition|shuffle|reject|difference|differenceBy|intersection|union|unionBy|keyBy|toPairs)$/;
const CHUNK_FUNCTIONS = /^(chunk|chunks|chunkArray|splitEvery|inChunks|toChunks|batches|chunkify|partitionInto)$/;
const BUILDER_METHODS = /^(where\w*|orWhere\w*|andWhere\w*|orderBy\w*|select|columns?|leftJoin|innerJoin|rightJoin|fullOuterJoin|groupBy|having|distinct|from|modify|clone|populate|sort|skip|offset|limit|take|forUpdate|forShare|returning|with|batchSize|hint|project|collation|allowDiskUse|timeout)$/;
const DB_ACCESSORS = new Set(['collection', 'getRepository', 'getCustomRepository', 'getTreeRepository', 'getMongoRepository', 'model', 'models', 'table', 'withSchema', 'getCollection', 'useDb', 'db', 'manager', 'createQueryRunner', 'connect', 'getConnection', 'acquire']);

/** True for rows or cursors from a read the script does not bound. */
export function isUnbounded(o: Origin): boolean {
  return (o.kind === 'rows' || o.kind === 'cursor') && !o.bounded;
}

/** Combines the origins of alternatives: an unbounded read wins, then any known origin. */
export function worst(origins: Origin[]): Origin {
  return origins.find(isUnbounded) ?? origins.find((o) => o.kind !== 'unknown') ?? UNKNOWN;
}

export function originOf(node: ts.Node): Origin {
  const cached = cache.get(node);
  if (cached) return cached;
  if (inProgress.has(node) || inProgress.size > 60) {
    cuts++;
    return UNKNOWN;
  }
  checkBudget();
  inProgress.add(node);
  try {
    const o = compute(node);
    cache.set(node, o);
    return o;
  } finally {
    inProgress.delete(node);
  }
}

function compute(node: ts.Node): Origin {
  // One switch on the kind: this runs for every node whose origin is asked, mostly identifiers.
  switch (node.kind) {
    case ts.SyntaxKind.Identifier:
      return originOfIdentifier(node as ts.Identifier);
    case ts.SyntaxKind.ParenthesizedExpression:
    case ts.SyntaxKind.AwaitExpression:
    case ts.SyntaxKind.NonNullExpression:
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.TypeAssertionExpression:
    case ts.SyntaxKind.SatisfiesExpression:
      return originOf(unwrap(node as ts.Expression));
    case ts.SyntaxKind.PropertyAccessExpression:
      return originOfProperty(node as ts.PropertyAccessExpression);
    case ts.SyntaxKind.ElementAccessExpression: {
      if (!ts.isElementAccessExpression(node)) return UNKNOWN;
      const o = originOf(node.expression);
      if (o.kind === 'rows' || o.kind === 'cursor') return { kind: 'row' };
      if (o.kind === 'chunks') return o.of;
      return o.kind === 'db' || o.kind === 'non-db' || o.kind === 'fixed' ? o : UNKNOWN;
    }
    case ts.SyntaxKind.CallExpression:
      return originOfCall(node as ts.CallExpression);
    case ts.SyntaxKind.NewExpression: {
      const name = nameOfCallee((node as ts.NewExpression).expression) ?? '';
      if (NON_DB_CONSTRUCTORS.has(name) || isServiceName(name)) return { kind: 'non-db' };
      const lib = VOCABULARY.constructors.get(name);
      return lib ? { kind: 'db', library: lib } : UNKNOWN;
    }
    case ts.SyntaxKind.ArrayLiteralExpression: {
      if (!ts.isArrayLiteralExpression(node)) return UNKNOWN;
      const spreads = node.elements.filter(ts.isSpreadElement).map((s) => originOf(s.expression));
      return spreads.find(isUnbounded) ?? spreads.find((o) => o.kind === 'rows' || o.kind === 'cursor') ?? { kind: 'fixed' };
    }
    case ts.SyntaxKind.ObjectLiteralExpression:
      return { kind: 'fixed' };
    case ts.SyntaxKind.ConditionalExpression: {
      if (!ts.isConditionalExpression(node)) return UNKNOWN;
      return worst([originOf(node.whenTrue), originOf(node.whenFalse)]);
    }
    case ts.SyntaxKind.BinaryExpression: {
      if (!ts.isBinaryExpression(node)) return UNKNOWN;
      const op = node.operatorToken.kind;
      if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) return worst([originOf(node.left), originOf(node.right)]);
      return UNKNOWN;
    }
    case ts.SyntaxKind.TaggedTemplateExpression:
      return originOfCallInfo(classifyTaggedTemplate(node as ts.TaggedTemplateExpression), node);
    default:
      return UNKNOWN;
  }
}

function originOfCallInfo(info: ReturnType<typeof classifyCall>, node: ts.Node): Origin {
  if (info.kind !== 'read') return UNKNOWN;
  if (info.single) return { kind: 'row' };
  return { kind: info.cursor ? 'cursor' : 'rows', bounded: info.bounded, page: info.page, source: node };
}

function typeAnnotationOrigin(type: ts.TypeNode | undefined): Origin | undefined {
  if (!type) return undefined;
  // `string`, `number`, `boolean`...: no keyword names a handle or a service.
  if (type.kind >= ts.SyntaxKind.FirstKeyword && type.kind <= ts.SyntaxKind.LastKeyword) return undefined;
  return typeTextOrigin(type.getText());
}

const typeTextOrigin = memoByName((annotation: string): Origin | undefined => {
  const text = annotation.replace(/<[\s\S]*$/, '').trim();
  if (/^(Map|Set|WeakMap|WeakSet|ReadonlyMap|ReadonlySet|Record|Stripe|Redis|Hash|Hmac|URLSearchParams)$/.test(text)) return { kind: 'non-db' };
  const lib = VOCABULARY.handleTypes.get(text) ?? VOCABULARY.handleTypes.get(text.replace(/^\w+\./, ''));
  if (lib) return { kind: 'db', library: lib };
  if (/Repository$|Model$|Collection$|Service$/.test(text)) return { kind: 'db' };
  return undefined;
});

function originOfIdentifier(id: ts.Identifier): Origin {
  const decl = resolveIdentifier(id);
  if (!decl) return UNKNOWN;
  return originOfDeclaration(decl);
}

/**
 * The origin of what a declaration binds, worked out once for all its references. A result is kept
 * only when no cycle was cut while working it out: then everything it rests on is cached, and working
 * it out again would give the same answer. One reached through a cut depends on where it was asked
 * from, and is worked out again next time, as before.
 */
export function originOfDeclaration(decl: Declaration): Origin {
  const cached = declarationCache.get(decl);
  if (cached) return cached;
  const before = cuts;
  const o = computeDeclaration(decl);
  if (cuts === before) declarationCache.set(decl, o);
  return o;
}

function computeDeclaration(decl: Declaration): Origin {
  if (ts.isVariableDeclaration(decl)) {
    const typed = typeAnnotationOrigin(decl.type);
    if (typed) return typed;
    if (decl.initializer) return originOf(decl.initializer);
    // `for (const x of rows)` binds a row; `let rows; rows = await ...` takes its assignments.
    const loop = decl.parent?.parent;
    if (loop && (ts.isForOfStatement(loop) || ts.isForInStatement(loop))) return elementOrigin(originOf(loop.expression));
    return worst(assignmentsTo(decl).map((e) => originOf(e)));
  }
  if (ts.isBindingElement(decl)) return originOfBindingElement(decl);
  if (ts.isParameter(decl)) return originOfParameter(decl);
  if (ts.isImportSpecifier(decl) || ts.isImportClause(decl) || ts.isNamespaceImport(decl)) return originOfImport(decl);
  if (ts.isImportEqualsDeclaration(decl)) {
    const ref = decl.moduleReference;
    if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) return moduleOrigin(ref.expression.text);
  }
  return UNKNOWN;
}

/** The origin of what iterating `o` yields. */
export function elementOrigin(o: Origin): Origin {
  if (o.kind === 'rows' || o.kind === 'cursor') return { kind: 'row' };
  if (o.kind === 'chunks') return o.of;
  if (o.kind === 'fixed') return { kind: 'fixed' };
  return UNKNOWN;
}

function originOfBindingElement(el: ts.BindingElement): Origin {
  // Walk up to the declaration that holds the whole pattern.
  let top: ts.Node = el;
  const path: (string | number)[] = [];
  while (ts.isBindingElement(top)) {
    const pattern = top.parent;
    if (ts.isObjectBindingPattern(pattern)) {
      const key = top.propertyName && ts.isIdentifier(top.propertyName) ? top.propertyName.text : ts.isIdentifier(top.name) ? top.name.text : '';
      path.unshift(key);
    } else path.unshift(pattern.elements.indexOf(top));
    top = pattern.parent;
  }
  let whole: Origin = UNKNOWN;
  if (ts.isVariableDeclaration(top)) {
    if (top.initializer) whole = originOf(top.initializer);
    else if (top.parent?.parent && ts.isForOfStatement(top.parent.parent)) whole = elementOrigin(originOf(top.parent.parent.expression));
  } else if (ts.isParameter(top)) whole = originOfParameter(top);
  // `const { rows } = await pool.query(...)`, `const [rows] = await conn.query(...)`: the rows.
  if ((whole.kind === 'rows' || whole.kind === 'cursor') && path.length === 1 && (path[0] === 'rows' || path[0] === 0 || path[0] === 'data' || path[0] === 'docs' || path[0] === 'results' || path[0] === 'items')) {
    return whole;
  }
  if (whole.kind === 'rows' && path.length === 1 && typeof path[0] === 'number') return { kind: 'row' };
  if (whole.kind === 'db' || whole.kind === 'non-db' || whole.kind === 'fixed') return whole;
  if (whole.kind === 'row') return { kind: 'unknown' };
  return UNKNOWN;
}

const LOOP_CALLBACK_METHODS = new Set(['map', 'forEach', 'flatMap', 'filter', 'some', 'every', 'find', 'reduce', 'eachAsync', 'each', 'eachSeries', 'mapSeries']);

function originOfParameter(p: ts.ParameterDeclaration): Origin {
  const typed = typeAnnotationOrigin(p.type);
  if (typed) return typed;
  const fn = p.parent;
  // A callback over rows gets rows: rows.map((row) => ...).
  if (isFunctionLike(fn) && fn.parent && ts.isCallExpression(fn.parent) && fn.parent.arguments.includes(fn as ts.Expression)) {
    const call = fn.parent;
    const method = nameOfCallee(call.expression) ?? '';
    const recv = ts.isPropertyAccessExpression(unwrap(call.expression)) ? (unwrap(call.expression) as ts.PropertyAccessExpression).expression : undefined;
    if (LOOP_CALLBACK_METHODS.has(method) && recv && fn.parameters.indexOf(p) === (method === 'reduce' ? 1 : 0)) {
      return elementOrigin(originOf(recv));
    }
    if (VOCABULARY.transactionCallbacks.has(method) && fn.parameters.indexOf(p) === 0) return { kind: 'db' };
    // knex('users').then((rows) => ...): the callback gets what the promise resolves to.
    if (method === 'then' && recv && fn.parameters.indexOf(p) === 0) return originOf(recv);
  }
  const name = ts.isIdentifier(p.name) ? p.name.text : '';
  if (HANDLE_PARAM.test(name)) return { kind: 'db' };
  // A helper's parameter: what its callers pass.
  return worst(paramArgumentOrigins(p));
}

const moduleOrigin = memoByName((spec: string): Origin => {
  if (NON_DB_MODULES.test(spec)) return { kind: 'non-db' };
  const lib = LIBRARIES.find((m) => m.modules.test(spec));
  if (lib && lib.id !== 'raw-sql') return { kind: 'db', library: lib.id };
  if (lib) return { kind: 'db' };
  return UNKNOWN;
});

function originOfImport(decl: ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport): Origin {
  let importDecl: ts.Node = decl;
  while (!ts.isImportDeclaration(importDecl)) importDecl = importDecl.parent;
  const spec = (importDecl.moduleSpecifier as ts.StringLiteral).text;
  const byModule = moduleOrigin(spec);
  if (byModule.kind !== 'unknown') return byModule;
  const name = ts.isImportSpecifier(decl) ? (decl.propertyName ?? decl.name).text : 'default';
  const target = exportedDeclaration(decl.getSourceFile(), spec, name);
  if (target && ts.isVariableDeclaration(target) && target.initializer) return originOf(target.initializer);
  const local = decl.name?.text ?? '';
  if (/^(prisma|db|knex|database|client|pool|sql|models|mongo)$/i.test(local) || /Repository$|Model$|Collection$/.test(local)) return { kind: 'db' };
  return UNKNOWN;
}

function originOfProperty(node: ts.PropertyAccessExpression): Origin {
  const name = node.name.text;
  const base = originOf(node.expression);
  if (base.kind === 'non-db') return base;
  if ((base.kind === 'rows' || base.kind === 'cursor') && (name === 'rows' || name === 'docs' || name === 'results' || name === 'data' || name === 'items')) return base;
  if (base.kind === 'db') return base;
  if (base.kind === 'fixed') return base;
  if (node.expression.kind === ts.SyntaxKind.ThisKeyword) {
    if (/^(knex|db|prisma|dataSource|manager|queryRunner|connection|model|repository|repo|collection)$/i.test(name) || /Repository$|Model$|Collection$/.test(name)) return { kind: 'db' };
  }
  return UNKNOWN;
}

function originOfCall(call: ts.CallExpression): Origin {
  const name = nameOfCallee(call.expression) ?? '';
  const callee = unwrap(call.expression);
  const recv = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? callee.expression : undefined;
  if (NON_DB_CONSTRUCTORS.has(name) && (!recv || !/^(Object|Array)$/.test(name))) return { kind: 'non-db' };
  if (name === 'prepare' && call.arguments[0]) {
    const sql = classifySql(stringValue(call.arguments[0]) ?? staticText(call.arguments[0]) ?? '');
    if (sql) return { kind: 'statement', sqlKind: sql.kind, bounded: sql.bounded };
  }
  const info = classifyCall(call);
  if (info.kind === 'read') return originOfCallInfo(info, call);
  if (info.kind !== 'none') return UNKNOWN;
  if (CHUNK_FUNCTIONS.test(name) && call.arguments[0]) return chunksOf(originOf(call.arguments[0]), call);
  if (recv) {
    const r = originOf(recv);
    if (ROW_TRANSFORMS.has(name)) {
      if (name === 'slice' && r.kind === 'rows') return sliceOrigin(call, r);
      if (r.kind === 'rows' || r.kind === 'cursor' || r.kind === 'fixed' || r.kind === 'chunks' || r.kind === 'non-db') return r;
    }
    // A query builder returned by a helper, refined further: `ordersWithoutTotals(knex).orderBy('id')`.
    if ((r.kind === 'rows' || r.kind === 'cursor') && (BUILDER_METHODS.test(name) || (name === 'join' && call.arguments.length >= 2))) {
      if (VOCABULARY.limitMethods.has(name) && call.arguments[0] && !/^(0|Infinity|null|undefined)$/.test(call.arguments[0].getText())) return { ...r, bounded: true };
      return r;
    }
    if (r.kind === 'db' && DB_ACCESSORS.has(name)) return r;
    if (r.kind === 'non-db') return r;
    if (/^(Object|_|lodash|Array|R)$/.test(recv.getText()) && call.arguments[0]) {
      if (CHUNK_FUNCTIONS.test(name)) return chunksOf(originOf(call.arguments[0]), call);
      if (COLLECTION_FUNCTIONS.test(name)) return originOf(call.arguments[0]);
    }
  } else if (COLLECTION_FUNCTIONS.test(name) && call.arguments[0] && !resolveCallee(call)) {
    return originOf(call.arguments[0]);
  }
  const lib = VOCABULARY.constructors.get(name);
  if (lib && !recv) return { kind: 'db', library: lib };
  const fn = resolveCallee(call);
  if (fn) return summaryOf(fn).returns;
  return UNKNOWN;
}

function chunksOf(of: Origin, source: ts.Node): Origin {
  return of.kind === 'rows' || of.kind === 'cursor' ? { kind: 'chunks', of, source } : of;
}

/** `rows.slice(0, 100)` is bounded; `rows.slice(i, i + BATCH)` in an index loop is a chunk. */
function sliceOrigin(call: ts.CallExpression, rows: Origin): Origin {
  const [a, b] = call.arguments;
  if (a && b && ts.isNumericLiteral(unwrap(a)) && ts.isNumericLiteral(unwrap(b))) return { ...(rows as Extract<Origin, { kind: 'rows' }>), bounded: true };
  if (a && b) return { kind: 'chunks', of: rows, source: call };
  return rows;
}

/** The text of a string-valued expression, following `const sql = '...'` declarations. */
export function stringValue(node: ts.Expression): string | undefined {
  const e = unwrap(node);
  const direct = staticText(e);
  if (direct !== undefined) return direct;
  if (ts.isIdentifier(e)) {
    const decl = resolveIdentifier(e);
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer && !inProgress.has(decl)) {
      inProgress.add(decl);
      try {
        return stringValue(decl.initializer);
      } finally {
        inProgress.delete(decl);
      }
    }
  }
  if (ts.isCallExpression(e) && e.arguments[0] && /^(raw|unsafe|sql|format|trim|dedent|stripIndent)$/.test(nameOfCallee(e.expression) ?? '')) {
    return stringValue(e.arguments[0]);
  }
  return undefined;
}
