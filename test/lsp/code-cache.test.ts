// dist/server.js starts the server bundle through V8's code cache (server/src/boot.ts): the cache is
// written once into a private folder, reused as is, and a damaged or exposed one never stops a start.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO, LspClient } from './harness';

const BAD = readFileSync(join(REPO, 'examples/knex/backfill-display-names.bad.js'), 'utf8');

/** Starts a server, takes the diagnostics of one script, stops it cleanly; returns their rule ids. */
async function diagnosticsOfOneStart(ws: string): Promise<string[]> {
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  try {
    const uri = await client.open(join(ws, 'migrations', '001_names.js'), BAD);
    const published = await client.diagnosticsFor(uri);
    return published.diagnostics.map((d) => String(d.code));
  } finally {
    assert.equal(await client.stop(), 0);
  }
}

test('the code cache is written once, reused, and a damaged or exposed cache only costs a plain compile', async (t) => {
  const temp = mkdtempSync(join(tmpdir(), 'evolve-code-cache-test-'));
  const ws = join(temp, 'ws');
  mkdirSync(join(ws, 'migrations'), { recursive: true });
  const savedTmp = process.env.TMPDIR;
  process.env.TMPDIR = temp; // the spawned servers' os.tmpdir()
  t.after(() => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    rmSync(temp, { recursive: true, force: true });
  });

  const first = await diagnosticsOfOneStart(ws);
  assert.ok(first.length > 0, 'the bad example has findings');
  const folder = readdirSync(temp).find((f) => f.startsWith('evolve-code-cache-'));
  assert.ok(folder, 'the first start saved a cache');
  const dir = join(temp, folder);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the cache folder is private');
  const [file, ...others] = readdirSync(dir);
  assert.deepEqual(others, [], 'one cache file, no leftover partial writes');
  const cache = join(dir, file);
  const saved = readFileSync(cache);

  assert.deepEqual(await diagnosticsOfOneStart(ws), first, 'same findings when started from the cache');
  assert.ok(readFileSync(cache).equals(saved), 'an accepted cache is not rewritten');

  const damaged = Buffer.alloc(saved.length, 7);
  writeFileSync(cache, damaged);
  // Another build's cache, unused for 60 days, and a recent one: a new save removes only the first.
  const stale = join(dir, 'server-main-0000.bin');
  const recent = join(dir, 'server-main-1111.bin');
  writeFileSync(stale, 'old');
  writeFileSync(recent, 'recent');
  const longAgo = new Date(Date.now() - 60 * 24 * 3600 * 1000);
  utimesSync(stale, longAgo, longAgo);
  assert.deepEqual(await diagnosticsOfOneStart(ws), first, 'same findings with a damaged cache');
  assert.ok(!readFileSync(cache).equals(damaged), 'the damaged cache was replaced');
  assert.deepEqual(readdirSync(dir).sort(), [file, 'server-main-1111.bin'].sort(), 'the long-unused cache is removed, the recent one kept');
  rmSync(recent);

  chmodSync(dir, 0o777);
  assert.deepEqual(await diagnosticsOfOneStart(ws), first, 'same findings when the folder was open to others');
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'the folder is private again');
});
