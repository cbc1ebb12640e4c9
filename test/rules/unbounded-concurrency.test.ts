import { run } from './rule-tester';

const prismaMain = (body: string) => `import { prisma } from '../lib/prisma';\nimport { chunk } from 'lodash';\nexport async function main() {\n${body}\n}\n`;

run('unbounded-concurrency', {
  valid: [
    { name: 'prisma: Promise.all over a bounded page', filename: 'scripts/page.ts', code: prismaMain(`  const page = await prisma.partner.findMany({ where: { username: null }, take: 100 });\n  await Promise.all(page.map((p) => prisma.partner.update({ where: { id: p.id }, data: { username: p.name } })));`) },
    { name: 'Promise.all over a fixed list of tables', filename: 'scripts/tables.ts', code: `export async function run(knex) {\n  await Promise.all(['users', 'posts'].map((t) => knex(t).update({ migrated: true })));\n}\n` },
    { name: 'Promise.all over reads only', filename: 'scripts/reads.ts', code: prismaMain(`  const users = await prisma.user.findMany();\n  const profiles = await Promise.all(users.map((u) => fetch('https://example.com/' + u.id)));\n  console.log(profiles.length);`) },
    { name: 'chunks written one after another', filename: 'scripts/sequential.ts', code: prismaMain(`  const ids = await prisma.user.findMany({ select: { id: true } });\n  for (const c of chunk(ids, 500)) {\n    await prisma.user.updateMany({ where: { id: { in: c.map((x) => x.id) } }, data: { flag: true } });\n  }`) },
    { name: 'unbatched Promise.all(rows.map(async)) is reported once, by unbatched-loop', filename: 'scripts/once.ts', code: prismaMain(`  const users = await prisma.user.findMany({ where: { emailVerified: null } });\n  await Promise.all(users.map((u) => prisma.user.update({ where: { id: u.id }, data: { emailVerified: u.createdAt } })));`) },
    { name: 'writes in a sequential loop', filename: 'scripts/loop.ts', code: prismaMain(`  const groups = await prisma.group.findMany({ take: 20 });\n  for (const g of groups) await prisma.group.update({ where: { id: g.id }, data: { n: 1 } });`) },
  ],
  invalid: [
    {
      name: 'prisma: every chunk of an unbounded read at once',
      filename: 'scripts/chunks.ts',
      code: prismaMain(`  const ids = await prisma.user.findMany({ select: { id: true } });\n  await Promise.all(chunk(ids, 500).map((c) => prisma.user.updateMany({ where: { id: { in: c.map((x) => x.id) } }, data: { flag: true } })));`),
      errors: [
        {
          messageId: 'allAtOnce',
          line: 5,
          suggestions: [{ output: prismaMain(`  const ids = await prisma.user.findMany({ select: { id: true } });\n  for (const c of chunk(ids, 500)) {\n    await prisma.user.updateMany({ where: { id: { in: c.map((x) => x.id) } }, data: { flag: true } });\n  }`) }],
        },
      ],
    },
    {
      name: 'knex: chunks through a variable, allSettled',
      filename: 'scripts/settled.ts',
      code: `import { chunk } from 'lodash';\nexport async function run(knex) {\n  const rows = await knex('orders').whereNull('total').select('id');\n  const writes = chunk(rows, 1000).map(async (batch) => {\n    await knex('orders').whereIn('id', batch.map((r) => r.id)).update({ total: 0 });\n  });\n  const results = await Promise.allSettled(writes);\n  console.log(results.length);\n}\n`,
      errors: [{ messageId: 'allAtOnce', line: 7, suggestions: [] }],
    },
    {
      name: 'knex: promises pushed per chunk, then Promise.all',
      filename: 'scripts/pushed.ts',
      code: `import { chunk } from 'lodash';\nexport async function run(knex) {\n  const rows = await knex('events').whereNull('archived_at').select('id');\n  const writes = [];\n  for (const ids of chunk(rows.map((r) => r.id), 1000)) {\n    writes.push(knex('events').whereIn('id', ids).update({ archived_at: knex.fn.now() }));\n  }\n  await Promise.all(writes);\n}\n`,
      errors: [{ messageId: 'allAtOnce', line: 8, suggestions: [] }],
    },
    {
      name: 'with unbatched-loop off, Promise.all over every row is reported here',
      filename: 'scripts/rows.ts',
      config: (c) => {
        c.rules['unbatched-loop'] = 'off';
      },
      code: prismaMain(`  const users = await prisma.user.findMany({ where: { emailVerified: null } });\n  await Promise.all(users.map(async (u) => {\n    await prisma.user.update({ where: { id: u.id }, data: { emailVerified: u.createdAt } });\n  }));`),
      errors: [
        {
          messageId: 'allAtOnce',
          line: 5,
          suggestions: [{ output: prismaMain(`  const users = await prisma.user.findMany({ where: { emailVerified: null } });\n  for (const u of users) {\n    await prisma.user.update({ where: { id: u.id }, data: { emailVerified: u.createdAt } });\n  }`) }],
        },
      ],
    },
    {
      name: 'mongodb: batches of a whole collection, one bulkWrite each, all at once',
      filename: 'migrations/bulk.ts',
      code: `import { chunk } from 'lodash';\nexport async function up(db) {\n  const docs = await db.collection('sessions').find({}).toArray();\n  await Promise.all(\n    chunk(docs, 1000).map(async (batch) => {\n      await db.collection('sessions').bulkWrite(batch.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { idp: 'x' } } } })));\n    }),\n  );\n}\n`,
      errors: [
        {
          messageId: 'allAtOnce',
          line: 4,
          suggestions: [{ output: `import { chunk } from 'lodash';\nexport async function up(db) {\n  const docs = await db.collection('sessions').find({}).toArray();\n  for (const batch of chunk(docs, 1000)) {\n    await db.collection('sessions').bulkWrite(batch.map((d) => ({ updateOne: { filter: { _id: d._id }, update: { $set: { idp: 'x' } } } })));\n  }\n}\n` }],
        },
      ],
    },
  ],
});
