// Scripts of the shapes people write, each rehearsed in a real child: migrations run inside their
// runner's transaction when the runner would use one, so the report shows the one big transaction.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { rehearse, seedSqlite, workspace, type Workspace } from './helpers';

const USERS = 40;

function setUp(t: test.TestContext): Workspace {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), USERS);
  ws.write('evolve.config.json', JSON.stringify({ snapshots: { local: { source: 'app.db' } }, runners: [{ files: 'migrations/umzug/**', runner: 'umzug', transaction: 'per-file' }] }));
  return ws;
}

async function rehearseOk(ws: Workspace, script: string) {
  const r = await rehearse(ws, { script }).report;
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.snapshot.source.startsWith('local ('), true, 'the only configured snapshot is used by default');
  assert.equal(r.rowsWritten, USERS);
  return r;
}

test('knex migration: exports.up(knex) runs inside knex\'s transaction', async (t) => {
  const ws = setUp(t);
  ws.write('migrations/20240101_display.js', "exports.up = async (knex) => { await knex('users').update({ display: knex.raw('upper(name)') }); };\nexports.down = async () => {};\n");
  const r = await rehearseOk(ws, 'migrations/20240101_display.js');
  assert.deepEqual([r.transactions.count, r.transactions.commits, r.writesOutsideTransaction], [1, 1, 0]);
});

test('knex migration with config.transaction = false runs without one', async (t) => {
  const ws = setUp(t);
  ws.write(
    'migrations/20240102_display.js',
    "exports.config = { transaction: false };\nexports.up = async (knex) => { await knex('users').update({ display: 'x' }); };\nexports.down = async () => {};\n",
  );
  const r = await rehearseOk(ws, 'migrations/20240102_display.js');
  assert.deepEqual([r.transactions.count, r.writesOutsideTransaction], [0, 1]);
});

test('TypeORM migration: MigrationInterface.up(queryRunner) inside its transaction', async (t) => {
  const ws = setUp(t);
  ws.write(
    'migrations/1700000000000-Display.ts',
    `import { MigrationInterface, QueryRunner } from 'typeorm';
export class Display1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('UPDATE users SET display = upper(name)');
  }
  async down(): Promise<void> {}
}
`,
  );
  const r = await rehearseOk(ws, 'migrations/1700000000000-Display.ts');
  assert.deepEqual([r.transactions.count, r.transactions.commits, r.writesOutsideTransaction], [1, 1, 0]);
});

test('umzug migration: up({ context }) gets the snapshot connection; per-file wraps it', async (t) => {
  const ws = setUp(t);
  ws.write(
    'migrations/umzug/01-display.ts',
    `import type Database from 'better-sqlite3';
export const up = async ({ context }: { context: Database.Database }) => {
  context.prepare('UPDATE users SET display = upper(name)').run();
};
export const down = async () => {};
`,
  );
  const r = await rehearseOk(ws, 'migrations/umzug/01-display.ts');
  assert.deepEqual([r.transactions.count, r.writesOutsideTransaction], [1, 0]);
});

test('plain script: connects through EVOLVE_SNAPSHOT / DATABASE_URL and ends when its work is done', async (t) => {
  const ws = setUp(t);
  ws.write(
    'scripts/display.js',
    `const Database = require('better-sqlite3');
const db = new Database(process.env.DATABASE_URL.replace(/^file:/, ''));
async function main() {
  await new Promise((resolve) => setTimeout(resolve, 20));
  db.prepare('UPDATE users SET display = upper(name)').run();
  console.log('updated');
}
main().then(() => process.exit(0));
`,
  );
  const rehearsal = rehearse(ws, { script: 'scripts/display.js' });
  const r = await rehearsal.report;
  assert.equal(r.status, 'ok', JSON.stringify(r.error));
  assert.equal(r.rowsWritten, USERS);
  assert.equal(r.writesOutsideTransaction, 1);
  assert.ok(rehearsal.events.some((e) => e.type === 'log' && e.stream === 'stdout' && e.line === 'updated'));
});

test('Kysely on the db Evolve passes is traced through better-sqlite3', async (t) => {
  const ws = setUp(t);
  ws.write(
    'scripts/kysely-display.ts',
    `import type Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
export default async function ({ db }: { db: Database.Database }) {
  const k = new Kysely<{ users: { id: number; name: string; display: string | null } }>({ dialect: new SqliteDialect({ database: db }) });
  await k.transaction().execute(async (trx) => {
    await trx.updateTable('users').set({ display: sql\`upper(name)\` }).execute();
  });
  await k.selectFrom('users').select('id').where('id', '<=', 3).execute();
}
`,
  );
  const r = await rehearseOk(ws, 'scripts/kysely-display.ts');
  assert.deepEqual([r.transactions.count, r.statements.update, r.rowsRead], [1, 1, 3]);
});
