// Where the batching rewrite is not offered, the unbatched-loop message says exactly why; and where the
// key cannot be known, the rewrite is offered with a marked placeholder.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import { REWRITE_TITLE } from '../../server/src/core/fixes/batching/rewrite';

const root = join(__dirname, 'fixtures');
const analyzer = new Analyzer(defaultConfig(root));

const cases: { name: string; file?: string; code: string; reason: RegExp }[] = [
  { name: 'while over a cursor that uses the cursor otherwise', file: 'scripts/a.js', code: `export async function up(db) {\n  const cursor = db.collection('s').find({});\n  while (await cursor.hasNext()) {\n    const s = await cursor.next();\n    await db.collection('s').updateOne({ _id: s._id }, { $set: { a: await cursor.hasNext() } });\n  }\n}\n`, reason: /uses the cursor `cursor` beyond next\(\)/ },
  { name: 'for...of whose body breaks out', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  const users = await knex('users');\n  for (const u of users) {\n    if (u.done) break;\n    await knex('users').where({ id: u.id }).update({ a: 1 });\n  }\n}\nexport const config = { transaction: false };\n`, reason: /breaks out of the loop, which inside a batch would end only that batch/ },
  { name: 'for...of whose body returns', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  const users = await knex('users');\n  for (const u of users) {\n    if (u.done) return;\n    await knex('users').where({ id: u.id }).update({ a: 1 });\n  }\n}\nexport const config = { transaction: false };\n`, reason: /returns from the function, which inside a batch would end only that batch/ },
  { name: 'forEach callback that returns from an inner loop', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  const users = await knex('users');\n  users.forEach(async (u) => {\n    for (const t of u.tags) if (!t) return;\n    await knex('users').where({ id: u.id }).update({ email: 'x' });\n  });\n}\nexport const config = { transaction: false };\n`, reason: /returns from inside an inner loop or switch/ },
  { name: 'index loop that uses the index', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  const users = await knex('users');\n  for (let i = 0; i < users.length; i++) {\n    const u = users[i];\n    await knex('users').where({ id: u.id }).update({ rank: i });\n  }\n}\nexport const config = { transaction: false };\n`, reason: /uses the index `i` beyond `users\[i\]`/ },
  { name: 'knex query already ordered', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  const users = await knex('users').orderBy('name');\n  for (const u of users) await knex('users').where({ id: u.id }).update({ a: 1 });\n}\nexport const config = { transaction: false };\n`, reason: /uses `orderBy\(\)`/ },
  { name: 'query() on a handle of unknown library', file: 'scripts/b.js', code: `module.exports = async function run(db) {\n  const { rows } = await db.query('SELECT id FROM users');\n  for (const r of rows) await db.query('UPDATE users SET a = 1 WHERE id = $1', [r.id]);\n};\n`, reason: /cannot tell whether `db` is a node-postgres or a PGlite handle/ },
  { name: 'pg values in a variable', code: `import { Pool } from 'pg';\nexport async function run(pool: Pool, params: unknown[]) {\n  const { rows } = await pool.query('SELECT id FROM users WHERE a = $1', params);\n  for (const r of rows) await pool.query('UPDATE users SET a = 1 WHERE id = $1', [r.id]);\n}\n`, reason: /the query values are not an array literal/ },
  { name: 'Kysely select without id', code: `import type { Kysely } from 'kysely';\nexport async function run(db: Kysely<any>) {\n  const users = await db.selectFrom('users').select('email').execute();\n  for (const u of users) await db.updateTable('users').set({ email: 'x' }).where('email', '=', u.email).execute();\n}\n`, reason: /does not select `id`/ },
  { name: 'MongoDB cursor already sorted', code: `import type { Db } from 'mongodb';\nexport async function up(db: Db) {\n  const docs = await db.collection('s').find({}).sort({ a: 1 }).toArray();\n  for (const d of docs) await db.collection('s').updateOne({ _id: d._id }, { $set: { a: 1 } });\n}\n`, reason: /uses `sort\(\)`, so its documents cannot be re-read in `_id` order safely/ },
  { name: 'MongoDB filter on _id', code: `import type { Db, MongoClient } from 'mongodb';\nexport async function up(db: Db, client: MongoClient) {\n  const docs = await db.collection('s').find({ _id: { $in: [1, 2] } }).toArray();\n  for (const d of docs) await db.collection('s').updateOne({ _id: d._id }, { $set: { a: 1 } });\n}\n`, reason: /already constrains `_id`/ },
  { name: 'Sequelize findAll with order', code: `import { Model } from 'sequelize';\nclass User extends Model { declare id: number }\nexport async function up() {\n  const users = await User.findAll({ order: [['id', 'DESC']] });\n  for (const u of users) await u.update({ a: 1 });\n}\n`, reason: /already uses `order`/ },
  { name: 'TypeORM migration in its transaction', file: 'migrations/1700000000000-Backfill.ts', code: `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Backfill1700000000000 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) {\n    const repo = queryRunner.manager.getRepository('User');\n    const users = await repo.find();\n    for (const u of users) await repo.save(u);\n  }\n  async down() {}\n}\n`, reason: /TypeORM runs this migration in one transaction/ },
  { name: 'TypeORM where array (OR)', code: `import { DataSource } from 'typeorm';\nexport async function run(ds: DataSource) {\n  const repo = ds.getRepository('User');\n  const users = await repo.find({ where: [{ a: 1 }, { b: 2 }] });\n  for (const u of users) await repo.save(u);\n}\n`, reason: /an array means OR/ },
  { name: 'slonik (no adapter)', code: `import { createPool, sql } from 'slonik';\nexport async function run() {\n  const pool = await createPool('postgres://localhost/app');\n  const users = await pool.any(sql.unsafe\`SELECT id FROM users\`);\n  for (const u of users) await pool.query(sql.unsafe\`UPDATE users SET active = true WHERE id = \${u.id}\`);\n}\n`, reason: /slonik and Drizzle have no evolve-runtime adapter/ },
  { name: 'for await over a knex stream', code: `import type { Knex } from 'knex';\nexport async function up(knex: Knex) {\n  for await (const u of knex('users').stream()) await knex('users').where({ id: u.id }).update({ a: 1 });\n}\nexport const config = { transaction: false };\n`, reason: /stream or cursor with for await/ },
];

for (const c of cases) {
  test(`no rewrite, and why: ${c.name}`, () => {
    const finding = analyzer.analyzeFile(join(root, c.file ?? 'scripts/x.ts'), c.code).findings.find((f) => f.ruleId === 'unbatched-loop');
    assert.ok(finding, 'the loop is reported');
    assert.deepEqual(finding.suggestions.filter((s) => s.title.startsWith(REWRITE_TITLE)), []);
    assert.match(finding.message, /Evolve offers no automatic rewrite here: /);
    assert.match(finding.message, c.reason);
  });
}

test('TypeORM entity given by name: the rewrite marks the key for the user to fill in', () => {
  const code = `import { DataSource } from 'typeorm';\nexport async function run(ds: DataSource) {\n  const repo = ds.getRepository('User');\n  const users = await repo.find({ where: { a: 1 } });\n  for (const u of users) await repo.save(u);\n}\n`;
  const finding = analyzer.analyzeFile(join(root, 'scripts/y.ts'), code).findings.find((f) => f.ruleId === 'unbatched-loop');
  const fix = finding?.suggestions.find((s) => s.title.startsWith(REWRITE_TITLE));
  assert.ok(fix, String(finding?.message));
  assert.match(fix.title, /fill in the primary key marked EVOLVE_TODO/);
  assert.match(fix.edits[0].newText, /EVOLVE_TODO_primary_key: MoreThan\(after\)/);
});
