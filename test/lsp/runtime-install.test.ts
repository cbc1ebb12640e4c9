// "Add evolve-runtime to this project" when the package is reachable: the server runs the real npm,
// pointed at a local registry that serves this repository's packed evolve-runtime, and afterwards the
// script's folder resolves the package, so the action is no longer offered and the rewrite imports it by name.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { actionsAt } from './actions';
import { applyWorkspaceEdit, capabilities, copyFixture, evolveDiagnostics, LspClient, REPO } from './harness';

const ADD_TITLE = 'Add evolve-runtime to this project';

/** A registry with one package: GET /evolve-runtime (the packument) and GET /evolve-runtime.tgz. */
async function localRegistry(): Promise<{ url: string; server: Server; requests: string[] }> {
  const packDir = mkdtempSync(join(tmpdir(), 'evolve-pack-'));
  const packed = spawnSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: join(REPO, 'runtime'), encoding: 'utf8' });
  assert.equal(packed.status, 0, packed.stderr);
  const [{ filename }] = JSON.parse(packed.stdout) as { filename: string }[];
  const tarball = readFileSync(join(packDir, filename));
  const manifest = JSON.parse(readFileSync(join(REPO, 'runtime/package.json'), 'utf8')) as { name: string; version: string };
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/evolve-runtime.tgz') return res.end(tarball);
    if (req.url !== '/evolve-runtime') return res.writeHead(404).end('{}');
    const { port } = server.address() as AddressInfo;
    const dist = {
      tarball: `http://127.0.0.1:${port}/evolve-runtime.tgz`,
      shasum: createHash('sha1').update(tarball).digest('hex'),
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
    };
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ name: manifest.name, 'dist-tags': { latest: manifest.version }, versions: { [manifest.version]: { ...manifest, dist } } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server, requests };
}

test('a reachable package is installed with the lock file\'s package manager (npm), and the rewrite then imports it by name', async (t) => {
  const registry = await localRegistry();
  t.after(() => registry.server.close());
  const saved = { ...process.env };
  t.after(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });
  // The server inherits this environment, and passes it to npm.
  Object.assign(process.env, {
    npm_config_registry: registry.url,
    npm_config_cache: mkdtempSync(join(tmpdir(), 'evolve-npm-cache-')),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  });

  const ws = copyFixture('knex-app');
  writeFileSync(join(ws, 'package.json'), '{"name":"knex-app","private":true}');
  writeFileSync(join(ws, 'package-lock.json'), JSON.stringify({ name: 'knex-app', lockfileVersion: 3, requires: true, packages: { '': { name: 'knex-app' } } }));
  const { client } = await LspClient.start(ws, capabilities(), { scanWorkspace: false });
  t.after(() => client.kill());
  const messages: string[] = [];
  client.connection.onNotification('window/showMessage', (p: { message: string }) => {
    messages.push(p.message);
  });
  const path = join(ws, 'migrations/20240101000000_trim_user_names.js');
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  const [d] = evolveDiagnostics(await client.diagnosticsFor(uri, (p) => p.version === 1), 'unbatched-loop');
  const add = (await actionsAt(client, uri, d)).find((a) => a.title === ADD_TITLE);
  assert.ok(add?.command);

  await client.connection.sendRequest('workspace/executeCommand', { command: add.command.command, arguments: add.command.arguments });
  assert.match(messages.join('\n'), /Installed evolve-runtime with `npm install evolve-runtime`/, messages.join('\n'));
  assert.ok(registry.requests.includes('GET /evolve-runtime.tgz'), registry.requests.join(', '));
  assert.ok(existsSync(join(ws, 'node_modules/evolve-runtime/dist/evolve-runtime.js')));
  const pkg = JSON.parse(readFileSync(join(ws, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  assert.ok(pkg.dependencies?.['evolve-runtime'], 'recorded in package.json');

  const after = await actionsAt(client, uri, d);
  assert.equal(after.find((a) => a.title === ADD_TITLE), undefined);
  const rewrite = after.find((a) => a.title.startsWith('Process in keyset batches'));
  assert.ok(rewrite?.edit);
  assert.match(applyWorkspaceEdit(text, uri, rewrite.edit), /require\('evolve-runtime'\)/);
  assert.equal(await client.stop(), 0);
});
