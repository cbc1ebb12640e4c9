import { run } from './rule-tester';

const alterThenBackfill = `  await knex.schema.alterTable('maintenance', (table) => {\n    table.datetime('last_start_date');\n  });\n  await knex('maintenance').whereNull('last_start_date').update({ last_start_date: knex.fn.now() });`;

run('schema-and-data-in-one-transaction', {
  valid: [
    { name: 'knex: opted out of the runner transaction', code: `exports.config = { transaction: false };\nexports.up = async function (knex) {\n${alterThenBackfill}\n};\n` },
    { name: 'knex: schema change only', code: `exports.up = async function (knex) {\n  await knex.schema.alterTable('users', (table) => {\n    table.string('slug');\n  });\n};\nexports.down = async function (knex) {\n  await knex('users').update({ slug: null });\n};\n` },
    { name: 'knex: a new table and its seed rows', code: `exports.up = async function (knex) {\n  await knex.schema.createTable('plans', (table) => {\n    table.increments('id');\n    table.string('name');\n  });\n  await knex('plans').insert([{ name: 'free' }, { name: 'pro' }]);\n};\n` },
    { name: 'typeorm: transaction = false', filename: 'migrations/1700000000001-Slug.ts', code: `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Slug1700000000001 implements MigrationInterface {\n  transaction = false;\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.query('ALTER TABLE "user" ADD "slug" varchar');\n    await queryRunner.query('UPDATE "user" SET "slug" = lower("name")');\n  }\n  async down() {}\n}\n` },
    { name: 'plain script: no wrapping transaction', filename: 'scripts/plain.ts', code: `import { Pool } from 'pg';\nconst pool = new Pool();\nexport async function main() {\n  await pool.query('ALTER TABLE users ADD COLUMN slug text');\n  await pool.query('UPDATE users SET slug = lower(name)');\n}\n` },
    { name: 'CREATE INDEX CONCURRENTLY cannot run in a transaction anyway', code: `exports.up = async function (knex) {\n  await knex.raw('CREATE INDEX CONCURRENTLY users_slug ON users (slug)');\n  await knex('users').update({ indexed: true });\n};\n` },
  ],
  invalid: [
    { name: "knex: alterTable then backfill in knex's migration transaction", code: `exports.up = async function (knex) {\n${alterThenBackfill}\n};\n`, errors: [{ messageId: 'schemaAndData', line: 2 }] },
    { name: 'typeorm: ALTER TABLE then UPDATE in the migration transaction', filename: 'migrations/1700000000002-Slug.ts', code: `import { MigrationInterface, QueryRunner } from 'typeorm';\nexport class Slug1700000000002 implements MigrationInterface {\n  async up(queryRunner: QueryRunner) {\n    await queryRunner.query('ALTER TABLE "user" ADD "slug" varchar');\n    await queryRunner.query('UPDATE "user" SET "slug" = lower("name")');\n    await queryRunner.query('ALTER TABLE "user" ALTER COLUMN "slug" SET NOT NULL');\n  }\n  async down() {}\n}\n`, errors: [{ messageId: 'schemaAndData', line: 4 }] },
    { name: 'sequelize queryInterface in one callback transaction', filename: 'scripts/seq.js', code: `module.exports.run = async (sequelize, queryInterface) => {\n  await sequelize.transaction(async (transaction) => {\n    await queryInterface.addColumn('users', 'slug', { type: 'TEXT' }, { transaction });\n    await sequelize.query('UPDATE users SET slug = lower(name)', { transaction });\n  });\n};\n`, errors: [{ messageId: 'schemaAndData', line: 3 }] },
    { name: 'kysely: backfill before the schema change, in one transaction', filename: 'scripts/kysely.ts', code: `import { Kysely } from 'kysely';\nexport async function run(db: Kysely<any>) {\n  await db.transaction().execute(async (trx) => {\n    await trx.updateTable('users').set({ slug: '' }).where('slug', 'is', null).execute();\n    await trx.schema.alterTable('users').alterColumn('slug', (c) => c.setNotNull()).execute();\n  });\n}\n`, errors: [{ messageId: 'schemaAndData', line: 5 }] },
  ],
});
