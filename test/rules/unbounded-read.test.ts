import { run } from './rule-tester';

const knexUp = (body: string) => `exports.config = { transaction: false };\nexports.up = async function (knex) {\n${body}\n};\n`;

run('unbounded-read', {
  valid: [
    { name: 'knex: keyset page with limit', code: knexUp(`  let after = 0;\n  for (;;) {\n    const page = await knex('users').where('id', '>', after).orderBy('id').limit(500);\n    if (page.length === 0) break;\n    after = page[page.length - 1].id;\n  }`) },
    { name: 'knex: first() is one row', code: knexUp(`  const settings = await knex('settings').where({ key: 'theme' }).first();\n  console.log(settings.value);`) },
    { name: 'knex: one row by primary key', code: knexUp(`  const [post] = await knex('posts').where({ id: 42 }).select('mobiledoc');\n  console.log(post);`) },
    { name: 'knex: set-based update, no read', code: knexUp(`  await knex('users').whereNull('slug').update({ slug: knex.raw('lower(name)') });`) },
    { name: 'knex: count is one row', code: knexUp(`  const [{ n }] = await knex('users').count('* as n');\n  console.log(n);`) },
    { name: 'knex: an aggregate is one row', code: knexUp(`  const [{ maxId }] = await knex('users').max('id as maxId');\n  console.log(maxId);`) },
    { name: 'prisma: findMany with take', filename: 'scripts/p.ts', code: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  const batch = await prisma.partner.findMany({ where: { username: null }, take: 100 });\n  console.log(batch.length);\n}\n` },
    { name: 'prisma: rows of a key list the script holds', filename: 'scripts/keys.ts', code: `import { prisma } from '../lib/prisma';\nexport async function main(page: { userId: string }[]) {\n  const users = await prisma.user.findMany({ where: { id: { in: page.map((p) => p.userId) } } });\n  console.log(users.length);\n}\n` },
    { name: 'pg: rows of the ids the script holds, = ANY($1)', filename: 'scripts/any.ts', code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function run(ids: number[]) {\n  const { rows } = await pool.query('SELECT id, email FROM users WHERE id = ANY($1)', [ids]);\n  console.log(rows.length);\n}\n` },
    { name: 'SQL template: IN (${ids})', filename: 'scripts/in.ts', code: `export async function run(db, sql, ids) {\n  const docs = await db.execute({ sql: sql\`SELECT id FROM posts WHERE id IN (\${ids})\` });\n  console.log(docs.rows.length);\n}\n` },
    { name: 'mongodb: for await over a cursor streams', filename: 'migrations/stream.ts', code: `import type { Db } from 'mongodb';\nexport async function up(db: Db) {\n  let n = 0;\n  for await (const doc of db.collection('sessions').find({})) n += doc.size;\n  console.log(n);\n}\n` },
    { name: 'mongodb: a find with limit', filename: 'migrations/limited.ts', code: `export async function up(db) {\n  const recent = await db.collection('events').find({}).sort({ _id: -1 }).limit(10).toArray();\n  console.log(recent);\n}\n` },
    { name: 'pg: SELECT with LIMIT', filename: 'scripts/pg.ts', code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function run() {\n  const { rows } = await pool.query('SELECT id FROM users WHERE id > $1 ORDER BY id LIMIT 1000', [0]);\n  console.log(rows.length);\n}\n` },
    { name: 'knex: schema calls are not reads', code: knexUp(`  await knex.schema.alterTable('users', (table) => {\n    table.string('slug');\n  });`) },
    { name: 'suppressed on the line', code: knexUp(`  // evolve-disable-next-line unbounded-read -- the plans table has 12 rows\n  const plans = await knex('plans');\n  console.log(plans);`) },
  ],
  invalid: [
    { name: 'knex: await knex(table)', code: knexUp(`  const users = await knex('users');\n  let total = 0;\n  for (const u of users) total += u.credits;\n  console.log(total);`), errors: [{ messageId: 'unbounded', line: 3 }] },
    { name: 'knex: pluck every id', code: knexUp(`  const ids = await knex('members').where({ subscribed: true }).pluck('id');\n  await knex.batchInsert('members_newsletters', ids.map((id) => ({ member_id: id })), 500);`), errors: [{ messageId: 'unbounded', line: 3 }] },
    { name: 'prisma: findMany without take', filename: 'scripts/payout.ts', code: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  const partners = await prisma.partner.findMany({ where: { payoutMethod: null }, select: { id: true } });\n  await prisma.partner.updateMany({ where: { id: { in: partners.map((p) => p.id) } }, data: { payoutMethod: 'stripe' } });\n}\n`, errors: [{ messageId: 'unbounded', line: 3 }] },
    {
      name: 'mongodb: toArray() only looped over: iterate the cursor',
      filename: 'migrations/count.ts',
      code: `export async function up(db) {\n  const users = await db.collection('users').find({ legacy: true }).toArray();\n  const byDomain = new Map();\n  for (const u of users) {\n    const domain = u.email.split('@')[1];\n    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);\n  }\n  console.log(byDomain);\n}\n`,
      errors: [{ messageId: 'unbounded', line: 2, suggestions: [{ output: `export async function up(db) {\n  const byDomain = new Map();\n  for await (const u of db.collection('users').find({ legacy: true })) {\n    const domain = u.email.split('@')[1];\n    byDomain.set(domain, (byDomain.get(domain) ?? 0) + 1);\n  }\n  console.log(byDomain);\n}\n` }] }],
    },
    {
      name: 'mongodb: for...of over await toArray()',
      filename: 'migrations/inline.ts',
      code: `export async function up(db) {\n  let total = 0;\n  for (const o of await db.collection('orders').find({}).toArray()) total += o.amount;\n  console.log(total);\n}\n`,
      errors: [{ messageId: 'unbounded', line: 3, suggestions: [{ output: `export async function up(db) {\n  let total = 0;\n  for await (const o of db.collection('orders').find({})) total += o.amount;\n  console.log(total);\n}\n` }] }],
    },
    { name: 'mongodb: find().toArray()', filename: 'migrations/priorities.ts', code: `export async function up(db) {\n  const priorities = await db.collection('priorities').find().toArray();\n  await db.collection('slas').insertMany(priorities);\n}\n`, errors: [{ messageId: 'unbounded', line: 2, suggestions: [] }] },
    { name: 'knex: a grouped aggregate returns a row per group', code: knexUp(`  const totals = await knex('orders').select('user_id').sum('total as total').groupBy('user_id');\n  console.log(totals.length);`), errors: [{ messageId: 'unbounded', line: 3 }] },
    { name: 'mongodb: cursor.map(...).toArray() builds every operation in memory (the _id in the callback selects nothing)', filename: 'migrations/ops.ts', code: `export async function up(db) {\n  const ops = await db.collection('assistants').find({}).map((a) => ({ updateOne: { filter: { _id: a._id }, update: { $set: { model: 'x' } } } })).toArray();\n  await db.collection('assistants').bulkWrite(ops);\n}\n`, errors: [{ messageId: 'unbounded', line: 2 }] },
    { name: 'pg: SELECT without LIMIT into rows', filename: 'scripts/emails.ts', code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function run() {\n  const { rows } = await pool.query('SELECT id, email FROM users WHERE verified');\n  console.log(rows.length);\n}\n`, errors: [{ messageId: 'unbounded', line: 4 }] },
    { name: 'better-sqlite3: synchronous all()', filename: 'scripts/sqlite.js', code: `const Database = require('better-sqlite3');\nconst db = new Database('app.db');\nconst users = db.prepare('SELECT id, name FROM users').all();\nconsole.log(users.length);\n`, errors: [{ messageId: 'unbounded', line: 3 }] },
    { name: 'rows returned by a helper', filename: 'scripts/helper.ts', code: `async function loadAll(knex) {\n  return knex('accounts').select('id', 'plan');\n}\nexport async function run(knex) {\n  const accounts = await loadAll(knex);\n  console.log(accounts.length);\n}\n`, errors: [{ messageId: 'unbounded', line: 5 }] },
    { name: 'knex: rows from .then()', filename: 'scripts/then.js', code: `module.exports.run = (knex) =>\n  knex('invoices').whereNull('number').then((rows) => console.log(rows.length));\n`, errors: [{ messageId: 'unbounded', line: 2 }] },
  ],
});
