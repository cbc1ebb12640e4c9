// The batching rewrite of unbatched-loop: exact output per library and loop shape (fixtures/<name>/),
// the output parses and type-checks against the real library typings and evolve-runtime's types, and
// running it on real SQLite gives the same final data as the original loop (PostgreSQL and PGlite:
// postgres.test.ts; MongoDB on the driver stand-in: mongodb.test.ts; reasons: reasons.test.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import knexFactory from 'knex';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig } from '../../server/src/core/config';
import { firstSyntaxError, parseSource } from '../../server/src/core/parse';
import { REWRITE_TITLE } from '../../server/src/core/fixes/batching/rewrite';
import { applyFix } from '../rules/rule-tester';

const fixtures = join(__dirname, 'fixtures');
const analyzer = new Analyzer(defaultConfig(fixtures));

function rewrite(file: string, text = readFileSync(file, 'utf8')): string {
  const finding = analyzer.analyzeFile(file, text).findings.find((f) => f.ruleId === 'unbatched-loop');
  assert.ok(finding, 'the input has an unbatched loop');
  const suggestion = finding.suggestions.find((s) => s.title.startsWith(REWRITE_TITLE));
  assert.ok(suggestion, `a rewrite is offered (${String(finding.data?.noRewrite ?? '')})`);
  assert.equal(suggestion.preservesBehaviour, false, 'the rewrite changes behaviour, so it is a suggestion');
  return applyFix(text, suggestion);
}

describe('batching rewrite: exact output', () => {
  for (const lib of ['knex', 'prisma', 'better-sqlite3', 'pg', 'pglite', 'kysely', 'mongodb', 'mongoose', 'sequelize', 'typeorm', 'index-loop', 'map-callback', 'foreach-callback', 'for-await-mongodb', 'for-await-mongoose', 'mongodb-collection-variable', 'foreach-return', 'typeorm-manager', 'prisma-sqlite', 'while-cursor-mongodb']) {
    test(lib, () => {
      const input = join(fixtures, lib, 'input.ts');
      const output = rewrite(input);
      assert.equal(output, readFileSync(join(fixtures, lib, 'expected.ts'), 'utf8'));
      assert.equal(firstSyntaxError(parseSource(input, output)), undefined, 'the output parses');
      const again = analyzer.analyzeFile(input, output).findings.filter((f) => f.ruleId === 'unbatched-loop');
      assert.deepEqual(again, [], 'the rewritten file has no unbatched loop left');
    });
  }
});

test('the rewritten files type-check against the real typings and evolve-runtime', () => {
  const tsc = require.resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', join(fixtures, 'tsconfig.json')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

function seed(file: string): void {
  const db = new Database(file);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, slug TEXT, verified INTEGER)');
  const insert = db.prepare('INSERT INTO users (name, email, slug, verified) VALUES (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= 1234; i++) insert.run(`User ${i}`, `U${i}@Acme.Test`, i % 7 === 0 ? `kept-${i}` : null, i % 3 === 0 ? 1 : 0);
  })();
  db.close();
}

function dump(file: string): unknown[] {
  const db = new Database(file, { readonly: true });
  const rows = db.prepare('SELECT id, name, email, slug, verified FROM users ORDER BY id').all();
  db.close();
  return rows;
}

describe('batching rewrite: same final data as the original loop (real SQLite)', () => {
  test('better-sqlite3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'evolve-rewrite-'));
    seed(join(dir, 'a.db'));
    copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'));
    for (const [name, db] of [['input', 'a.db'], ['expected', 'b.db']]) {
      const mod = await import(join(fixtures, 'better-sqlite3', `${name}.ts`));
      const conn = new Database(join(dir, db));
      conn.pragma('synchronous = OFF'); // per-row autocommits would fsync 1,234 times
      await mod.default(conn);
      conn.close();
    }
    assert.deepEqual(dump(join(dir, 'b.db')), dump(join(dir, 'a.db')));
  });

  // knex for...of, and the other loop shapes (index loop, Promise.all(rows.map(async ...))) on knex.
  for (const fixture of ['knex', 'index-loop', 'map-callback']) {
    test(`${fixture} on knex and better-sqlite3`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'evolve-rewrite-'));
      seed(join(dir, 'a.db'));
      copyFileSync(join(dir, 'a.db'), join(dir, 'b.db'));
      const seeded = dump(join(dir, 'a.db'));
      for (const [name, db] of [['input', 'a.db'], ['expected', 'b.db']]) {
        const mod = await import(join(fixtures, fixture, `${name}.ts`));
        const knex = knexFactory({
          client: 'better-sqlite3',
          connection: { filename: join(dir, db) },
          useNullAsDefault: true,
          pool: { afterCreate: (conn: Database.Database, done: () => void) => (conn.pragma('synchronous = OFF'), done()) },
        });
        try {
          await mod.up(knex);
        } finally {
          await knex.destroy();
        }
      }
      const a = dump(join(dir, 'a.db'));
      assert.notDeepEqual(a, seeded, 'the original loop did its work');
      assert.deepEqual(dump(join(dir, 'b.db')), a);
    });
  }
});

test('no rewrite when the rows are used after the loop, and the message says why', () => {
  const text = `export async function up(knex) {\n  const users = await knex('users');\n  for (const u of users) {\n    await knex('users').where({ id: u.id }).update({ n: 1 });\n  }\n  console.log(users.length);\n}\nexport const config = { transaction: false };\n`;
  const finding = analyzer.analyzeFile(join(fixtures, 'migrations', 'x.ts'), text).findings[0];
  assert.equal(finding.suggestions.length, 0);
  assert.match(finding.message, /Evolve offers no automatic rewrite here: the rows are also used at line 6, outside the loop\./);
});
