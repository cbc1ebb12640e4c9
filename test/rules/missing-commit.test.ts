import { run } from './rule-tester';

run('missing-commit', {
  valid: [
    { name: 'knex: explicit handle committed, rolled back in catch', filename: 'scripts/a.ts', code: `export async function run(knex) {\n  const trx = await knex.transaction();\n  try {\n    await trx('users').update({ active: true });\n    await trx.commit();\n  } catch (error) {\n    await trx.rollback();\n    throw error;\n  }\n}\n` },
    { name: 'knex: callback-managed transaction', filename: 'scripts/b.ts', code: `export async function run(knex) {\n  await knex.transaction(async (trx) => {\n    await trx('users').update({ active: true });\n  });\n}\n` },
    { name: 'typeorm: queryRunner with commit, rollback and release', filename: 'scripts/c.ts', code: `export async function run(dataSource) {\n  const queryRunner = dataSource.createQueryRunner();\n  await queryRunner.startTransaction();\n  try {\n    await queryRunner.query('UPDATE users SET active = true');\n    await queryRunner.commitTransaction();\n  } catch (e) {\n    await queryRunner.rollbackTransaction();\n    throw e;\n  } finally {\n    await queryRunner.release();\n  }\n}\n` },
    { name: 'pg: BEGIN/COMMIT with ROLLBACK in catch', filename: 'scripts/d.ts', code: `export async function run(pool) {\n  const client = await pool.connect();\n  try {\n    await client.query('BEGIN');\n    await client.query('UPDATE accounts SET plan = $1', ['pro']);\n    await client.query('COMMIT');\n  } catch (e) {\n    await client.query('ROLLBACK');\n    throw e;\n  } finally {\n    client.release();\n  }\n}\n` },
    { name: 'mongodb: session committed, aborted on error', filename: 'scripts/e.ts', code: `export async function run(client, db) {\n  const session = client.startSession();\n  session.startTransaction();\n  try {\n    await db.collection('users').updateMany({}, { $set: { a: 1 } }, { session });\n    await session.commitTransaction();\n  } catch (e) {\n    await session.abortTransaction();\n    throw e;\n  } finally {\n    await session.endSession();\n  }\n}\n` },
    { name: 'page loop with a transaction per page', filename: 'scripts/f.ts', code: `export async function run(knex) {\n  let after = 0;\n  for (;;) {\n    const page = await knex('users').where('id', '>', after).orderBy('id').limit(500);\n    if (page.length === 0) break;\n    await knex.transaction(async (trx) => {\n      for (const u of page) await trx('users').where({ id: u.id }).update({ n: 1 });\n    });\n    after = page[page.length - 1].id;\n  }\n}\n` },
    { name: 'knex: a transaction per page, committed on every path', filename: 'scripts/per-page.ts', code: `export async function run(knex, pages) {\n  for (const page of pages) {\n    if (page.length === 0) continue;\n    const trx = await knex.transaction();\n    try {\n      await trx('users').whereIn('id', page).update({ a: 1 });\n      await trx.commit();\n    } catch (e) {\n      await trx.rollback();\n      throw e;\n    }\n  }\n}\n` },
    { name: 'knex migration that opts out of the runner transaction', code: `exports.up = async function (knex) {\n  const rows = await knex('users').select('id');\n  for (const chunk of chunk(rows, 500)) {\n    await knex('users').whereIn('id', chunk.map((r) => r.id)).update({ migrated: true });\n  }\n};\nexports.config = { transaction: false };\nfunction chunk(a, n) { const out = []; for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n)); return out; }\n` },
    { name: 'chunk loop in a plain script commits per chunk', filename: 'scripts/g.ts', code: `import _ from 'lodash';\nexport async function run(db) {\n  const users = await db.collection('users').find({}).toArray();\n  for (const batch of _.chunk(users, 1000)) {\n    await db.collection('users').bulkWrite(batch.map((u) => ({ updateOne: { filter: { _id: u._id }, update: { $set: { x: 1 } } } })));\n  }\n}\n` },
    { name: 'mongodb withTransaction whose writes do not pass the session', filename: 'migrations/h.js', code: `export const up = async (db, client) => {\n  const session = client.startSession();\n  await session.withTransaction(async () => {\n    let skip = 0;\n    while (true) {\n      const page = await db.collection('a').find({}).skip(skip).limit(100).toArray();\n      if (!page.length) break;\n      await db.collection('a').bulkWrite(page.map((d) => ({ deleteOne: { filter: { _id: d._id } } })));\n      skip += 100;\n    }\n  });\n};\n` },
  ],
  invalid: [
    {
      name: 'knex: early return leaves the handle open',
      filename: 'scripts/i.ts',
      code: `export async function run(knex) {\n  const trx = await knex.transaction();\n  const user = await trx('users').where({ id: 1 }).first();\n  if (!user) return;\n  await trx('users').where({ id: 1 }).update({ seen: true });\n  await trx.commit();\n}\n`,
      errors: [{ messageId: 'noCommit', line: 2, suggestions: [{ output: `export async function run(knex) {\n  const trx = await knex.transaction();\n  const user = await trx('users').where({ id: 1 }).first();\n  if (!user) {\n    await trx.commit();\n    return;\n  }\n  await trx('users').where({ id: 1 }).update({ seen: true });\n  await trx.commit();\n}\n` }] }],
    },
    {
      name: 'knex: a transaction per page that an early continue leaves open',
      filename: 'scripts/continue.ts',
      code: `export async function run(knex, pages) {\n  for (const page of pages) {\n    const trx = await knex.transaction();\n    try {\n      if (page.length === 0) continue;\n      await trx('users').whereIn('id', page).update({ a: 1 });\n      await trx.commit();\n    } catch (e) {\n      await trx.rollback();\n      throw e;\n    }\n  }\n}\n`,
      errors: [{ messageId: 'noCommit', line: 3 }],
    },
    {
      name: 'pg: BEGIN without ROLLBACK on error',
      filename: 'scripts/j.ts',
      code: `export async function run(client) {\n  await client.query('BEGIN');\n  await client.query('UPDATE users SET a = 1');\n  await client.query('COMMIT');\n}\n`,
      errors: [{ messageId: 'noRollback', line: 2, suggestions: [{ output: `export async function run(client) {\n  await client.query('BEGIN');\n  try {\n    await client.query('UPDATE users SET a = 1');\n    await client.query('COMMIT');\n  } catch (error) {\n    await client.query('ROLLBACK');\n    throw error;\n  }\n}\n` }] }],
    },
    {
      name: 'knex: committed without rollback; suggestions: try/catch, or a callback-managed transaction',
      filename: 'scripts/knex-no-rollback.ts',
      code: `export async function run(knex, flag) {\n  const trx = await knex.transaction();\n  await trx('users').update({ active: true });\n  if (flag) {\n    await trx('audit').insert({ a: 1 });\n  }\n  await trx.commit();\n}\n`,
      errors: [{ messageId: 'noRollback', line: 2, suggestions: [
        { output: `export async function run(knex, flag) {\n  const trx = await knex.transaction();\n  try {\n    await trx('users').update({ active: true });\n    if (flag) {\n      await trx('audit').insert({ a: 1 });\n    }\n    await trx.commit();\n  } catch (error) {\n    await trx.rollback();\n    throw error;\n  }\n}\n` },
        { output: `export async function run(knex, flag) {\n  await knex.transaction(async (trx) => {\n    await trx('users').update({ active: true });\n    if (flag) {\n      await trx('audit').insert({ a: 1 });\n    }\n  });\n}\n` },
      ] }],
    },
    {
      name: 'mongodb: session started, never committed',
      filename: 'scripts/k.ts',
      code: `export async function run(client, db) {\n  const session = client.startSession();\n  session.startTransaction();\n  await db.collection('users').updateMany({}, { $set: { a: 1 } }, { session });\n}\n`,
      errors: [{ messageId: 'noCommit', line: 3, suggestions: [{ output: `export async function run(client, db) {\n  const session = client.startSession();\n  session.startTransaction();\n  await db.collection('users').updateMany({}, { $set: { a: 1 } }, { session });\n  await session.commitTransaction();\n}\n` }] }],
    },
    {
      name: 'typeorm: startTransaction committed only in one branch',
      filename: 'scripts/l.ts',
      code: `export async function run(queryRunner, dryRun) {\n  await queryRunner.startTransaction();\n  await queryRunner.query('DELETE FROM sessions WHERE expired');\n  if (!dryRun) {\n    await queryRunner.commitTransaction();\n  }\n}\n`,
      errors: [{ messageId: 'noCommit', line: 2 }],
    },
    {
      name: 'better-sqlite3: exec BEGIN with no commit',
      filename: 'scripts/m.js',
      code: `const Database = require('better-sqlite3');\nconst db = new Database('app.db');\nfunction run() {\n  db.exec('BEGIN');\n  db.prepare('UPDATE users SET a = 1').run();\n}\nrun();\n`,
      errors: [{ messageId: 'noCommit', line: 4 }],
    },
    {
      name: 'sequelize: transaction() without callback, page loop inside it',
      filename: 'scripts/n.ts',
      code: `export async function run(sequelize, User) {\n  const t = await sequelize.transaction();\n  try {\n    let offset = 0;\n    while (true) {\n      const users = await User.findAll({ limit: 500, offset, transaction: t });\n      if (users.length === 0) break;\n      for (const u of users) await u.update({ a: 1 }, { transaction: t });\n      offset += 500;\n    }\n    await t.commit();\n  } catch (e) {\n    await t.rollback();\n    throw e;\n  }\n}\n`,
      errors: [{ messageId: 'illusoryExplicit', line: 5 }],
    },
    {
      name: 'typeorm: page loop inside one callback transaction',
      filename: 'scripts/o.ts',
      code: `export async function run(connection) {\n  await connection.transaction(async (manager) => {\n    for (let offset = 0; ; offset += 1000) {\n      const rows = await manager.query('SELECT id FROM gift_cards LIMIT 1000 OFFSET $1', [offset]);\n      if (rows.length === 0) break;\n      await manager.query('UPDATE gift_cards SET tax_rate = 0 WHERE id = ANY($1)', [rows.map((r) => r.id)]);\n    }\n  });\n}\n`,
      errors: [{ messageId: 'illusoryCallback', line: 3 }],
    },
    {
      name: 'knex migration: chunk loop inside the runner transaction',
      code: `export async function up(knex) {\n  const rows = await knex('policies').select('id');\n  for (let i = 0; i < rows.length; i += 100) {\n    const batch = rows.slice(i, i + 100);\n    await knex('policies').whereIn('id', batch.map((r) => r.id)).update({ compat: true });\n  }\n}\n`,
      errors: [{ messageId: 'illusoryRunner', line: 3, suggestions: [{ output: `export async function up(knex) {\n  const rows = await knex('policies').select('id');\n  for (let i = 0; i < rows.length; i += 100) {\n    const batch = rows.slice(i, i + 100);\n    await knex('policies').whereIn('id', batch.map((r) => r.id)).update({ compat: true });\n  }\n}\n\n// Evolve: run this migration outside knex's per-file transaction, so each batch commits on its own\n// and the live site is not blocked until the whole migration ends.\nexport const config = { transaction: false };\n` }] }],
    },
    {
      name: 'runner mode from evolve.config.json: per-file',
      filename: 'data/backfill.ts',
      config: (c) => { c.runners.push({ files: 'data/**', runner: 'plain', transaction: 'per-file' }); },
      code: `export default async function run(db) {\n  let after = 0;\n  while (true) {\n    const rows = await db.selectFrom('users').selectAll().where('id', '>', after).limit(500).execute();\n    if (!rows.length) break;\n    await db.updateTable('users').set({ a: 1 }).where('id', 'in', rows.map((r) => r.id)).execute();\n    after = rows[rows.length - 1].id;\n  }\n}\n`,
      errors: [{ messageId: 'illusoryRunner', line: 3 }],
    },
  ],
});
