import { run } from './rule-tester';

const knexUp = (body: string) => `exports.config = { transaction: false };\nexports.up = async function (knex) {\n${body}\n};\n`;

run('floating-write', {
  valid: [
    { name: 'knex: awaited write', code: knexUp(`  await knex('users').whereNull('slug').update({ slug: 'x' });`) },
    { name: 'knex: write returned to the runner', code: `exports.up = function (knex) {\n  return knex('users').update({ active: true });\n};\n` },
    { name: 'knex: promises collected and awaited', code: knexUp(`  const page = await knex('users').limit(100);\n  const writes = [];\n  for (const u of page) writes.push(knex('users').where({ id: u.id }).update({ n: 1 }));\n  await Promise.all(writes);`) },
    { name: 'knex: for...of with await over a bounded page', code: knexUp(`  const page = await knex('users').limit(100);\n  for (const u of page) {\n    await knex('users').where({ id: u.id }).update({ n: 1 });\n  }`) },
    { name: 'forEach that only builds a list', code: knexUp(`  const page = await knex('users').limit(100);\n  const ids = [];\n  page.forEach((u) => ids.push(u.id));\n  await knex('users').whereIn('id', ids).update({ n: 1 });`) },
    { name: 'better-sqlite3 is synchronous: no await needed', filename: 'scripts/sqlite.js', code: `const Database = require('better-sqlite3');\nconst db = new Database('app.db');\nasync function main() {\n  const update = db.prepare('UPDATE users SET slug = lower(name) WHERE id = ?');\n  for (const id of [1, 2, 3]) update.run(id);\n  db.exec("UPDATE users SET active = 1 WHERE slug = 'x'");\n}\nmain();\n` },
    { name: "closing knex's pool is not a write", filename: 'scripts/teardown.js', code: `const knex = require('knex')({ client: 'pg' });\nasync function main() {\n  await knex('users').update({ active: true });\n  knex.destroy();\n}\nmain();\n` },
    { name: 'knex: schema builder returned from a sync migration', code: `exports.up = function (knex) {\n  return knex.schema.alterTable('users', (table) => {\n    table.dropColumn('legacy_name');\n  });\n};\n` },
    { name: 'sqlite through a handle parameter: exec is synchronous', filename: 'migrations/003-sqlite.js', code: `exports.up = function (db) {\n  db.exec('ALTER TABLE notes ADD COLUMN pinned INTEGER');\n  db.exec('UPDATE notes SET pinned = 0');\n};\nexports.main = async function (db) {\n  db.exec('UPDATE notes SET pinned = 1 WHERE starred = 1');\n};\n` },
    { name: 'explicit fire-and-forget with void', code: knexUp(`  void knex('audit').insert({ event: 'migration-started' });\n  await knex('users').update({ n: 1 });`) },
    { name: 'a sync function is not reported for a missing await', filename: 'scripts/meteor.js', code: `export function up() {\n  Visitors.update({ a: 1 }, { $set: { b: 2 } });\n}\n` },
    { name: 'Promise.all over a bounded page', filename: 'scripts/p.ts', code: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  const page = await prisma.user.findMany({ take: 50 });\n  await Promise.all(page.map(async (u) => {\n    await prisma.user.update({ where: { id: u.id }, data: { a: 1 } });\n  }));\n}\n` },
  ],
  invalid: [
    {
      name: 'knex: forEach(async) over a bounded page',
      code: knexUp(`  const page = await knex('posts').where('status', 'draft').limit(100);\n  page.forEach(async (p) => {\n    await knex('posts').where({ id: p.id }).update({ status: 'archived' });\n  });`),
      errors: [
        {
          messageId: 'forEachAsync',
          line: 4,
          suggestions: [{ output: knexUp(`  const page = await knex('posts').where('status', 'draft').limit(100);\n  for (const p of page) {\n    await knex('posts').where({ id: p.id }).update({ status: 'archived' });\n  }`) }],
        },
      ],
    },
    {
      name: 'prisma: expression-bodied forEach over a fixed list',
      filename: 'scripts/fixed.ts',
      code: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  ['a', 'b'].forEach((slug) => prisma.plan.update({ where: { slug }, data: { active: false } }));\n}\n`,
      errors: [
        {
          messageId: 'forEachAsync',
          line: 3,
          suggestions: [{ output: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  for (const slug of ['a', 'b']) {\n    await prisma.plan.update({ where: { slug }, data: { active: false } });\n  }\n}\n` }],
        },
      ],
    },
    {
      name: 'missing await in a loop',
      code: knexUp(`  const page = await knex('users').limit(100);\n  for (const u of page) {\n    knex('users').where({ id: u.id }).update({ email: u.email.toLowerCase() });\n  }`),
      errors: [
        {
          messageId: 'notAwaited',
          line: 5,
          suggestions: [{ output: knexUp(`  const page = await knex('users').limit(100);\n  for (const u of page) {\n    await knex('users').where({ id: u.id }).update({ email: u.email.toLowerCase() });\n  }`) }],
        },
      ],
    },
    {
      name: 'a write with only a .catch handler',
      filename: 'scripts/catch.ts',
      code: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  prisma.auditLog.create({ data: { event: 'backfill' } }).catch(console.error);\n  await prisma.user.updateMany({ data: { a: 1 } });\n}\n`,
      errors: [{ messageId: 'notAwaited', line: 3, suggestions: [{ output: `import { prisma } from '../lib/prisma';\nexport async function main() {\n  await prisma.auditLog.create({ data: { event: 'backfill' } }).catch(console.error);\n  await prisma.user.updateMany({ data: { a: 1 } });\n}\n` }] }],
    },
    {
      name: 'an async helper that writes, called without await inside a transaction',
      filename: 'scripts/helper.ts',
      code: `async function archive(trx, id) {\n  await trx('posts').where({ id }).update({ archived: true });\n}\nexport async function run(knex, ids) {\n  await knex.transaction(async (trx) => {\n    archive(trx, ids[0]);\n  });\n}\n`,
      errors: [{ messageId: 'notAwaited', line: 6, suggestions: [{ output: `async function archive(trx, id) {\n  await trx('posts').where({ id }).update({ archived: true });\n}\nexport async function run(knex, ids) {\n  await knex.transaction(async (trx) => {\n    await archive(trx, ids[0]);\n  });\n}\n` }] }],
    },
    { name: 'sequelize: instance.destroy() without await', filename: 'scripts/purge.js', code: `const { Session } = require('../models');\nmodule.exports = async function run() {\n  const expired = await Session.findAll({ where: { expired: true }, limit: 100 });\n  for (const s of expired) {\n    s.destroy();\n  }\n};\n`, errors: [{ messageId: 'notAwaited', line: 5, suggestions: [{ output: `const { Session } = require('../models');\nmodule.exports = async function run() {\n  const expired = await Session.findAll({ where: { expired: true }, limit: 100 });\n  for (const s of expired) {\n    await s.destroy();\n  }\n};\n` }] }] },
    {
      name: 'knex: schema change neither awaited nor returned in an async migration',
      code: `exports.down = async function (knex) {\n  knex.schema.table('users', (table) => {\n    table.dropColumn('registered_at');\n  });\n};\n`,
      errors: [{ messageId: 'schemaNotAwaited', line: 2, suggestions: [{ output: `exports.down = async function (knex) {\n  await knex.schema.table('users', (table) => {\n    table.dropColumn('registered_at');\n  });\n};\n` }] }],
    },
    { name: 'knex: schema change dropped by a sync migration (no suggestion)', code: `exports.up = function (knex) {\n  knex.schema.createTable('plans', (t) => {\n    t.increments('id');\n  });\n};\n`, errors: [{ messageId: 'schemaNotAwaited', line: 2, suggestions: [] }] },
    {
      name: 'map(async) whose promises are dropped (no suggestion in a sync function)',
      filename: 'migrations/drop.js',
      code: `module.exports.up = function (db, ids) {\n  ids.map(async (id) => {\n    await db.collection('users').updateOne({ _id: id }, { $set: { migrated: true } });\n  });\n};\n`,
      errors: [{ messageId: 'droppedMap', line: 2, suggestions: [] }],
    },
  ],
});
