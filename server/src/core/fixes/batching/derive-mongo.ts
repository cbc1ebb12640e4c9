// Keyset fetches for MongoDB and Mongoose, ordered by `_id`: the filter gains `_id > after`, the query
// sorts by `_id` and takes `size` documents in the batch's session; writes in the loop pass that session.
import { callChain, nameOfCallee, unwrap } from '../../semantics/ast';
import { resolveIdentifier } from '../../semantics/scope';
import { ts } from '../../ts';
import { routeHandleUses } from './body-options';
import type { Derivation } from './derive';

/** Where each collection method takes its options (the session goes there). */
const MONGODB_OPTIONS: Record<string, number> = {
  find: 1, findOne: 1, countDocuments: 1, aggregate: 1, distinct: 2,
  insertOne: 1, insertMany: 1, deleteOne: 1, deleteMany: 1, findOneAndDelete: 1, bulkWrite: 1,
  updateOne: 2, updateMany: 2, replaceOne: 2, findOneAndUpdate: 2, findOneAndReplace: 2,
};
/** The same for Mongoose model statics. */
const MONGOOSE_OPTIONS: Record<string, number> = {
  countDocuments: 1, insertMany: 1, deleteOne: 1, deleteMany: 1, findOneAndDelete: 1, findByIdAndDelete: 1, bulkWrite: 1,
  updateOne: 2, updateMany: 2, replaceOne: 2, findOneAndUpdate: 2, findByIdAndUpdate: 2, findOneAndReplace: 2, find: 2, findOne: 2, findById: 2,
};
const UNSAFE_CURSOR = new Set(['sort', 'limit', 'skip', 'project', 'select', 'map', 'min', 'max', 'hint', 'allowDiskUse', 'collation', 'cursor', 'populate', 'distinct', 'where']);

const isTsFile = (n: ts.Node) => /\.(m|c)?tsx?$/.test(n.getSourceFile().fileName);

/** The filter with `_id > after` added, or why it cannot be added safely. */
function keysetFilter(arg: ts.Expression | undefined): { text: string } | { reason: string } {
  const keyset = "...(after === undefined ? {} : { _id: { $gt: after } })";
  if (!arg) return { text: `{ ${keyset} }` };
  const filter = unwrap(arg);
  if (!ts.isObjectLiteralExpression(filter)) return { reason: 'the filter is not an object literal Evolve can add `_id > after` to' };
  if (filter.properties.some((p) => !p.name || p.name.getText() === '_id' || p.name.getText() === '$or' || ts.isSpreadAssignment(p))) {
    return { reason: 'the filter already constrains `_id` or spreads another object, so `_id > after` cannot be added safely' };
  }
  const kept = filter.properties.map((p) => p.getText()).join(', ');
  return { text: `{ ${kept ? `${kept}, ` : ''}${keyset} }` };
}

/** A MongoClient in scope (a parameter or variable typed or built as one, or migrate-mongo's `client`). */
function mongoClientInScope(from: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = from; n; n = n.parent) {
    const candidates: (ts.ParameterDeclaration | ts.VariableDeclaration)[] = [];
    if (ts.isFunctionLike(n)) candidates.push(...n.parameters);
    if (ts.isSourceFile(n) || ts.isBlock(n)) {
      for (const s of n.statements) if (ts.isVariableStatement(s)) candidates.push(...s.declarationList.declarations);
    }
    for (const c of candidates) {
      if (!ts.isIdentifier(c.name)) continue;
      const text = `${c.type?.getText() ?? ''} ${c.initializer?.getText() ?? ''}`;
      if (/\bMongoClient\b/.test(text) || (ts.isParameter(c) && c.name.text === 'client' && !c.type)) return c.name.text;
    }
  }
  return undefined;
}

/** `const products = db.collection('products')`: the collection variable and its Db, when `id` is one. */
function collectionVariable(id: ts.Identifier): { db: ts.Identifier; decl: ts.VariableDeclaration } | undefined {
  const decl = resolveIdentifier(id);
  const init = decl && ts.isVariableDeclaration(decl) && decl.initializer ? unwrap(decl.initializer) : undefined;
  if (!init || !ts.isCallExpression(init) || nameOfCallee(init.expression) !== 'collection') return undefined;
  const callee = unwrap(init.expression);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) ? { db: callee.expression, decl: decl as ts.VariableDeclaration } : undefined;
}

/**
 * `db.collection('users').find(filter).toArray()` on the MongoDB driver, or through a collection
 * variable (`products.find(filter)`), or the `find(filter)` cursor itself.
 */
export function deriveMongodb(read: ts.CallExpression, cursor = false): Derivation | undefined {
  const chain = callChain(read);
  // A cursor loop reads the cursor as an array would: the same fetch, ending in toArray().
  const names = [...chain.map((c) => nameOfCallee(c.expression) ?? ''), ...(cursor ? ['toArray'] : [])];
  const first = unwrap(chain[0]?.expression ?? read.expression);
  const variable = names[0] === 'find' && ts.isPropertyAccessExpression(first) && ts.isIdentifier(first.expression) ? collectionVariable(first.expression) : undefined;
  if (variable) names.unshift('collection');
  if (names[0] !== 'collection' || names[1] !== 'find' || names[names.length - 1] !== 'toArray') return undefined;
  let db: ts.Identifier;
  let collectionText: string;
  const sf = read.getSourceFile();
  if (variable) {
    db = variable.db;
    collectionText = (first as ts.PropertyAccessExpression).expression.getText(sf);
  } else {
    const collection = unwrap(chain[0].expression);
    if (!ts.isPropertyAccessExpression(collection) || !ts.isIdentifier(collection.expression)) return { reason: 'collection() is not called on a plain Db handle' };
    db = collection.expression;
    collectionText = sf.text.slice(chain[0].getStart(sf), chain[0].getEnd());
  }
  const find = variable ? chain[0] : chain[1];
  const between = names.slice(2, -1);
  const unsafe = between.find((n) => UNSAFE_CURSOR.has(n));
  if (unsafe) return { reason: `the query uses \`${unsafe}()\`, so its documents cannot be re-read in \`_id\` order safely` };
  if (between.length > 0) return { reason: `the cursor calls \`${between.join('()`, `')}()\`, which Evolve does not carry into each batch` };
  if (find.arguments.length > 1) return { reason: 'find() passes options Evolve cannot carry into each batch' };
  const filter = keysetFilter(find.arguments[0]);
  if ('reason' in filter) return filter;
  // A Db knows its MongoClient (`db.client`); a client in scope is used when there is one.
  const client = mongoClientInScope(read) ?? `${db.text}.client`;
  const route = (use: ts.Identifier) => {
    // `db.collection(name).method(...)`, or `products.method(...)` on the collection variable.
    const viaVariable = variable && resolveIdentifier(use) === variable.decl;
    const coll = viaVariable ? use : use.parent.parent;
    const method = coll?.parent?.parent;
    if (!viaVariable && (!ts.isCallExpression(coll) || nameOfCallee(coll.expression) !== 'collection')) return undefined;
    if (!method || !ts.isPropertyAccessExpression(coll.parent) || !ts.isCallExpression(method) || method.expression !== coll.parent) return undefined;
    const index = MONGODB_OPTIONS[coll.parent.name.text];
    return index === undefined ? undefined : { call: method, index };
  };
  return {
    adapter: 'mongodbAdapter',
    adapterCall: `mongodbAdapter(${client}, ${db.text})`,
    handle: db,
    key: '_id',
    txNames: ['session', 'batchSession'],
    fetch: (tx) => `${isTsFile(read) ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  ${collectionText}.find(${filter.text}, { ${tx === 'session' ? tx : `session: ${tx}`} }).sort({ _id: 1 }).limit(size).toArray()`,
    bodyEdits: (body, tx) => {
      const edits = routeHandleUses(body, db, 'session', tx, route);
      if ('reason' in edits || !variable) return edits;
      const more = routeHandleUses(body, (first as ts.PropertyAccessExpression).expression as ts.Identifier, 'session', tx, route);
      return 'reason' in more ? more : [...edits, ...more];
    },
  };
}

/** Whether `model` is a Mongoose model: the file imports mongoose, or the model comes from `model(...)`. */
function isMongooseModel(model: ts.Identifier): boolean {
  const sf = model.getSourceFile();
  if (sf.statements.some((s) => ts.isImportDeclaration(s) && (s.moduleSpecifier as ts.StringLiteral).text === 'mongoose')) return true;
  if (/\brequire\(\s*['"]mongoose['"]\s*\)/.test(sf.text)) return true;
  const decl = resolveIdentifier(model);
  return !!decl && ts.isVariableDeclaration(decl) && !!decl.initializer && /\bmodel\s*[<(]/.test(decl.initializer.getText());
}

/** `User.find(filter)` (with `.lean()`, `.exec()`) on a Mongoose model, or its `.cursor()`. */
export function deriveMongoose(read: ts.CallExpression, cursor = false): Derivation | undefined {
  const chain = callChain(read);
  const names = chain.map((c) => nameOfCallee(c.expression) ?? '');
  if (cursor && names[names.length - 1] !== 'cursor') return undefined;
  if (cursor) names.pop();
  if (names[0] !== 'find') return undefined;
  const find = unwrap(chain[0].expression);
  if (!ts.isPropertyAccessExpression(find) || !ts.isIdentifier(find.expression) || !isMongooseModel(find.expression)) return undefined;
  const model = find.expression;
  const rest = names.slice(1);
  const unsafe = rest.find((n) => UNSAFE_CURSOR.has(n));
  if (unsafe) return { reason: `the query uses \`${unsafe}()\`, so its documents cannot be re-read in \`_id\` order safely` };
  const other = rest.find((n) => n !== 'lean' && n !== 'exec');
  if (other) return { reason: `the query calls \`${other}()\`, which Evolve does not carry into each batch` };
  if (chain[0].arguments.length > 1) return { reason: 'find() passes a projection or options Evolve cannot carry into each batch' };
  const filter = keysetFilter(chain[0].arguments[0]);
  if ('reason' in filter) return filter;
  const lean = rest.includes('lean') ? '.lean()' : '';
  return {
    adapter: 'mongooseAdapter',
    adapterCall: `mongooseAdapter(${model.text}.db)`,
    handle: model,
    key: '_id',
    txNames: ['session', 'batchSession'],
    // Documents read in a session keep it: `doc.save()` in the loop then writes in the batch's transaction.
    fetch: (tx) => `${isTsFile(read) ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  ${model.text}.find(${filter.text}).sort({ _id: 1 }).limit(size)${lean}.session(${tx}).exec()`,
    bodyEdits: (body, tx) =>
      routeHandleUses(body, model, 'session', tx, (use) => {
        const access = use.parent;
        const call = access.parent;
        if (!ts.isPropertyAccessExpression(access) || !ts.isCallExpression(call) || call.expression !== access) return undefined;
        const index = MONGOOSE_OPTIONS[access.name.text];
        return index === undefined ? undefined : { call, index };
      }),
  };
}
