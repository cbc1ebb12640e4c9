// Keyset fetch for Sequelize: `Model.findAll({ where })` gains `key > after` (Op.gt), an order by the
// key, a limit and the batch's transaction; the loop's model and instance calls pass `{ transaction }`.
import { callChain, nameOfCallee, unwrap } from '../../semantics/ast';
import { resolveIdentifier } from '../../semantics/scope';
import { ts } from '../../ts';
import { routeHandleUses } from './body-options';
import type { BodyEdit, Derivation } from './derive';

const UNSAFE = new Set(['order', 'limit', 'offset', 'group', 'having', 'include', 'distinct', 'transaction', 'lock', 'raw']);
/** Where a model static takes its options. */
const MODEL_OPTIONS: Record<string, number> = { findAll: 0, findOne: 0, findByPk: 1, count: 0, update: 1, destroy: 0, create: 1, bulkCreate: 1, upsert: 1, increment: 1, decrement: 1, restore: 0 };
/** Where an instance method takes its options. */
const INSTANCE_OPTIONS: Record<string, number> = { update: 1, save: 0, destroy: 0, increment: 1, decrement: 1, reload: 0, restore: 0 };

/** Whether `model` is a Sequelize model: the file uses sequelize, or the model comes from a models module. */
function isSequelizeModel(model: ts.Identifier): boolean {
  const sf = model.getSourceFile();
  if (/\bfrom\s+['"]sequelize(-typescript)?['"]|\brequire\(\s*['"]sequelize['"]\s*\)/.test(sf.text)) return true;
  const decl = resolveIdentifier(model);
  const origin = decl ? decl.getSourceFile().text.slice(decl.getStart(), decl.getEnd() + 200) : '';
  return /models?['"/]/.test(origin) && /['"][^'"]*models?(\/[^'"]*)?['"]/.test(origin);
}

/** The model's primary key when the file declares it (`init({ code: { primaryKey: true } })`), else Sequelize's default `id`. */
function primaryKey(model: ts.Identifier): string {
  const m = new RegExp(`\\b${model.text}\\.init\\(\\s*\\{([\\s\\S]*?)\\}\\s*,`).exec(model.getSourceFile().text);
  const declared = m && /(\w+)\s*:\s*\{[^{}]*\bprimaryKey\s*:\s*true/.exec(m[1]);
  return declared ? declared[1] : 'id';
}

export function deriveSequelize(read: ts.CallExpression): Derivation | undefined {
  if (nameOfCallee(read.expression) !== 'findAll' || callChain(read).length !== 1) return undefined;
  const callee = unwrap(read.expression);
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
  const model = callee.expression;
  if (!isSequelizeModel(model)) return { reason: `Evolve cannot tell that \`${model.text}\` is a Sequelize model (import it from your models, or import sequelize in this file)` };
  const arg = read.arguments[0] ? unwrap(read.arguments[0]) : undefined;
  if (arg && !ts.isObjectLiteralExpression(arg)) return { reason: 'the findAll options are not an object literal Evolve can extend' };
  const key = primaryKey(model);
  const kept: string[] = [];
  let where: string[] = [];
  for (const p of arg && ts.isObjectLiteralExpression(arg) ? arg.properties : []) {
    const name = p.name && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
    if (!name) return { reason: 'the findAll options spread or compute their keys' };
    if (UNSAFE.has(name)) return { reason: `the query already uses \`${name}\`, so its rows cannot be re-read in key order safely` };
    if (name === 'attributes' && ts.isPropertyAssignment(p) && !new RegExp(`['"]${key}['"]`).test(p.initializer.getText())) {
      return { reason: `the query's attributes leave out \`${key}\`, which the batches are ordered by` };
    }
    if (name !== 'where') {
      kept.push(p.getText());
      continue;
    }
    const w = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    if (!w || !ts.isObjectLiteralExpression(w)) return { reason: 'the where clause is not an object literal Evolve can add the key condition to' };
    if (w.properties.some((q) => ts.isSpreadAssignment(q) || q.name?.getText() === key)) return { reason: `the where clause spreads another object or already constrains \`${key}\`` };
    where = w.properties.map((q) => q.getText());
  }
  const isTs = /\.(m|c)?tsx?$/.test(read.getSourceFile().fileName);
  return {
    adapter: 'sequelizeAdapter',
    adapterCall: `sequelizeAdapter(${model.text}.sequelize${isTs ? '!' : ''})`,
    handle: model,
    key,
    imports: [{ module: 'sequelize', names: ['Op'] }],
    fetch: (tx, k) => {
      const field = k.replace(/^'|'$/g, '');
      const condition = [...where, `...(after === undefined ? {} : { ${field}: { [Op.gt]: after } })`].join(', ');
      const options = [...kept, `where: { ${condition} }`, `order: [[${k}, 'ASC']]`, 'limit: size', `transaction: ${tx}`].join(',\n    ');
      return `${isTs ? `(after: any, size: number, ${tx})` : `(after, size, ${tx})`} =>\n  ${model.text}.findAll({\n    ${options},\n  })`;
    },
    bodyEdits: (body, tx, item) => {
      const edits: BodyEdit[] = [];
      const routes: [ts.Identifier, Record<string, number>, boolean][] = [[model, MODEL_OPTIONS, false]];
      if (item) routes.push([item, INSTANCE_OPTIONS, true]);
      for (const [handle, table, fieldsAllowed] of routes) {
        const found = routeHandleUses(body, handle, 'transaction', tx, (use) => {
          const access = use.parent;
          const call = access.parent;
          if (ts.isPropertyAccessExpression(access) && ts.isCallExpression(call) && call.expression === access && access.name.text in table) return { call, index: table[access.name.text] };
          // A row's fields and other reads need no transaction; the model itself must only be called.
          return fieldsAllowed && !(ts.isPropertyAccessExpression(access) && ts.isCallExpression(call) && call.expression === access) ? 'unchanged' : undefined;
        });
        if ('reason' in found) return found;
        edits.push(...found);
      }
      return edits;
    },
  };
}
