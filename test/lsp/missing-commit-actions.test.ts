// missing-commit's rewrites (from the core) as LSP quick fixes: exact output, parses, offered once.
// All of them change behaviour, so none is preferred and "Fix all" leaves them out.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { actionsAt, applyOnce } from './actions';
import { copyFixture, evolveDiagnostics, LspClient } from './harness';

async function openWithFinding(t: { after(fn: () => void): void }, file: string) {
  const ws = copyFixture('transactions');
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, 'migrations', file);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const [d, ...rest] = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'missing-commit');
  assert.equal(rest.length, 0);
  assert.equal(d.code, 'missing-commit');
  const actions = await actionsAt(client, uri, d);
  assert.ok(actions.every((a) => !a.isPreferred), 'behaviour-changing suggestions are never preferred');
  assert.deepEqual(await actionsAt(client, uri, d, ['source.fixAll.evolve']), [], 'fix all applies no suggestion');
  return { client, uri, text, d };
}

test('adds the missing commit before the end of the function', async (t) => {
  const { client, uri, text, d } = await openWithFinding(t, '20240201000000_flag_accounts.js');
  const { output } = await applyOnce(client, uri, d, 'Commit `trx` on every path that leaves it open', text);
  assert.equal(
    output,
    text.replace("update({ migrated: true });\n};", "update({ migrated: true });\n  await trx.commit();\n};"),
  );
  assert.equal(await client.stop(), 0);
});

test('wraps the writes in try/catch with a rollback', async (t) => {
  const { client, uri, text, d } = await openWithFinding(t, '20240202000000_mark_accounts.js');
  const { output } = await applyOnce(client, uri, d, 'Roll back `trx` when a write fails (wrap in try/catch)', text);
  assert.equal(
    output,
    [
      'exports.up = async function (knex) {',
      '  const trx = await knex.transaction();',
      '  try {',
      "    await trx('accounts').where({ migrated: false }).update({ migrated: true });",
      '    await trx.commit();',
      '  } catch (error) {',
      '    await trx.rollback();',
      '    throw error;',
      '  }',
      '};',
      '',
      'exports.down = async function () {};',
      '',
    ].join('\n'),
  );
  assert.equal(await client.stop(), 0);
});

test("opts a knex migration out of the runner's transaction, saying why", async (t) => {
  const { client, uri, text, d } = await openWithFinding(t, '20240203000000_activate_users.js');
  const title = "Run this knex migration without the runner's transaction (config = { transaction: false })";
  const { output } = await applyOnce(client, uri, d, title, text);
  assert.equal(
    output,
    text +
      "\n// Evolve: run this migration outside knex's per-file transaction, so each batch commits on its own\n" +
      '// and the live site is not blocked until the whole migration ends.\n' +
      'exports.config = { transaction: false };\n',
  );
  assert.equal(await client.stop(), 0);
});
