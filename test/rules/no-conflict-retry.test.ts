import { run } from './rule-tester';

const knexLoop = (tx: string) =>
  `import { chunk } from 'lodash';\nexport async function run(knex) {\n  const rows = await knex('orders').whereNull('total').select('id');\n  for (const batch of chunk(rows, 500)) {\n    ${tx}\n  }\n}\n`;
const perBatch = `await knex.transaction(async (trx) => {\n      await trx('orders').whereIn('id', batch.map((r) => r.id)).update({ total: 0 });\n    });`;

run('no-conflict-retry', {
  valid: [
    { name: 'wrapped in retryOnConflict', filename: 'scripts/retried.ts', code: `import { retryOnConflict } from 'evolve-runtime';\n` + knexLoop(`await retryOnConflict(() =>\n      knex.transaction(async (trx) => {\n        await trx('orders').whereIn('id', batch.map((r) => r.id)).update({ total: 0 });\n      }),\n    );`) },
    { name: 'a hand-written retry loop', filename: 'scripts/attempts.ts', code: knexLoop(`for (let attempt = 1; ; attempt++) {\n      try {\n        ${perBatch}\n        break;\n      } catch (error) {\n        if (attempt >= 5 || error.code !== '40001') throw error;\n      }\n    }`) },
    { name: 'one transaction, no loop', filename: 'scripts/one.ts', code: `export async function run(knex) {\n  await knex.transaction(async (trx) => {\n    await trx('orders').update({ total: 0 });\n  });\n}\n` },
    { name: "the driver's withTransaction retries by itself", filename: 'migrations/mongo.ts', code: `export async function up(db, client) {\n  for (const name of ['a', 'b']) {\n    const session = client.startSession();\n    await session.withTransaction(async () => {\n      await db.collection(name).updateMany({}, { $set: { v: 2 } }, { session });\n    });\n  }\n}\n` },
    { name: 'eachBatch retries conflicts itself', filename: 'scripts/each.ts', code: `import { eachBatch, knexAdapter } from 'evolve-runtime';\nexport async function run(knex) {\n  await eachBatch({ adapter: knexAdapter(knex), name: 'totals', key: (r) => r.id, fetch: (after, size, trx) => trx('orders').where('id', '>', after ?? 0).orderBy('id').limit(size) }, async (rows, trx) => {\n    await trx('orders').whereIn('id', rows.map((r) => r.id)).update({ total: 0 });\n  });\n}\n` },
  ],
  invalid: [
    {
      name: 'knex: a callback transaction per chunk (ESM: import added)',
      filename: 'scripts/chunks.ts',
      code: knexLoop(perBatch),
      errors: [
        {
          messageId: 'noRetry',
          line: 5,
          suggestions: [{ output: `import { chunk } from 'lodash';\nimport { retryOnConflict } from 'evolve-runtime';\nexport async function run(knex) {\n  const rows = await knex('orders').whereNull('total').select('id');\n  for (const batch of chunk(rows, 500)) {\n    await retryOnConflict(() => knex.transaction(async (trx) => {\n      await trx('orders').whereIn('id', batch.map((r) => r.id)).update({ total: 0 });\n    }));\n  }\n}\n` }],
        },
      ],
    },
    {
      name: 'prisma: $transaction per page (CommonJS: require added)',
      filename: 'scripts/pages.js',
      code: `const { prisma } = require('../lib/prisma');\nasync function main() {\n  for (;;) {\n    const page = await prisma.link.findMany({ where: { migrated: false }, take: 500 });\n    if (page.length === 0) break;\n    await prisma.$transaction(async (tx) => {\n      await tx.link.updateMany({ where: { id: { in: page.map((l) => l.id) } }, data: { migrated: true } });\n    });\n  }\n}\nmain();\n`,
      errors: [
        {
          messageId: 'noRetry',
          line: 6,
          suggestions: [{ output: `const { retryOnConflict } = require('evolve-runtime');\nconst { prisma } = require('../lib/prisma');\nasync function main() {\n  for (;;) {\n    const page = await prisma.link.findMany({ where: { migrated: false }, take: 500 });\n    if (page.length === 0) break;\n    await retryOnConflict(() => prisma.$transaction(async (tx) => {\n      await tx.link.updateMany({ where: { id: { in: page.map((l) => l.id) } }, data: { migrated: true } });\n    }));\n  }\n}\nmain();\n` }],
        },
      ],
    },
    {
      name: 'kysely: transaction().execute per page',
      filename: 'scripts/kysely.ts',
      code: `import { Kysely } from 'kysely';\nexport async function run(db: Kysely<any>) {\n  for (;;) {\n    const page = await db.selectFrom('users').select('id').where('slug', 'is', null).limit(500).execute();\n    if (page.length === 0) break;\n    await db.transaction().execute(async (trx) => {\n      await trx.updateTable('users').set({ slug: 'x' }).where('id', 'in', page.map((u) => u.id)).execute();\n    });\n  }\n}\n`,
      errors: [
        {
          messageId: 'noRetry',
          line: 6,
          suggestions: [{ output: `import { Kysely } from 'kysely';\nimport { retryOnConflict } from 'evolve-runtime';\nexport async function run(db: Kysely<any>) {\n  for (;;) {\n    const page = await db.selectFrom('users').select('id').where('slug', 'is', null).limit(500).execute();\n    if (page.length === 0) break;\n    await retryOnConflict(() => db.transaction().execute(async (trx) => {\n      await trx.updateTable('users').set({ slug: 'x' }).where('id', 'in', page.map((u) => u.id)).execute();\n    }));\n  }\n}\n` }],
        },
      ],
    },
    {
      name: 'prisma: batch $transaction([...]) per chunk (no callback to re-run: no suggestion)',
      filename: 'scripts/batch.ts',
      code: `import { chunk } from 'lodash';\nimport { prisma } from '../lib/prisma';\nexport async function run(operations) {\n  for (const ops of chunk(operations, 100)) {\n    await prisma.$transaction(ops);\n  }\n}\n`,
      errors: [{ messageId: 'noRetry', line: 5, suggestions: [] }],
    },
    {
      name: 'pg: BEGIN/COMMIT per page (explicit: no suggestion)',
      filename: 'scripts/pg.ts',
      code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function run() {\n  const client = await pool.connect();\n  for (;;) {\n    const { rows } = await client.query('SELECT id FROM users WHERE slug IS NULL LIMIT 500');\n    if (rows.length === 0) break;\n    await client.query('BEGIN');\n    try {\n      await client.query('UPDATE users SET slug = id::text WHERE id = ANY($1)', [rows.map((r) => r.id)]);\n      await client.query('COMMIT');\n    } catch (error) {\n      await client.query('ROLLBACK');\n      throw error;\n    }\n  }\n  client.release();\n}\n`,
      errors: [{ messageId: 'noRetry', line: 8, suggestions: [] }],
    },
  ],
});
