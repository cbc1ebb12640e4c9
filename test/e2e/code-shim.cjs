#!/usr/bin/env node
// Stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }): VS Code
// cannot be downloaded here, so this turns the desktop CLI arguments (--extensionDevelopmentPath,
// --extensionTestsPath, --user-data-dir, --extensions-dir, <folder>) into code-server (on Node 24) plus
// headless Debian Chromium opening the workbench with the test "payload". Exit code = the tests' result.
// Env: CS_NODE, CS_ENTRY (from install-tools.sh), CHROMIUM, SHIM_TIMEOUT_MS.
const { spawn } = require('node:child_process');
const net = require('node:net');
const path = require('node:path');
const util = require('node:util');
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const opt = (k) => args.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3);
const multi = (k) => args.filter((a) => a.startsWith(`--${k}=`)).map((a) => a.slice(k.length + 3));
const folder = args.find((a) => !a.startsWith('-'));
// Workbench chatter that says nothing about the tests.
const NOISE = /^\[(AgentHost|ChatModelSelection|AccountPolicyGate|Service Worker|reconnection-grace-time)|Creating a socket|connection token|additional builtin|ENOTFOUND|^\s+at /;

const freePort = () =>
  new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function main() {
  for (const name of ['CS_NODE', 'CS_ENTRY']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run test/e2e/install-tools.sh and export what it prints`);
  }
  const host = `127.0.0.1:${await freePort()}`;
  const cs = spawn(
    process.env.CS_NODE,
    [process.env.CS_ENTRY, '--bind-addr', host, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
      '--disable-workspace-trust', '--ignore-last-opened', '--vscode-option', 'enable-smoke-test-driver',
      ...(opt('user-data-dir') ? ['--user-data-dir', path.resolve(opt('user-data-dir'))] : []),
      ...(opt('extensions-dir') ? ['--extensions-dir', path.resolve(opt('extensions-dir'))] : [])],
    // detached: its own process group, so stopping it ends every helper; env reaches the extension host.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  let csLog = '';
  cs.stdout.on('data', (d) => (csLog += d));
  cs.stderr.on('data', (d) => (csLog += d));
  const stop = () => {
    try {
      process.kill(-cs.pid, 'SIGTERM');
    } catch {}
  };
  process.on('SIGINT', () => (stop(), process.exit(130)));
  process.on('SIGTERM', () => (stop(), process.exit(143)));

  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`http://${host}/healthz`)).ok) break;
    } catch {}
    if (i > 300) throw new Error(`code-server did not answer on ${host} within 60 s:\n${csLog}`);
    await new Promise((r) => setTimeout(r, 200)); // polling a port that is not open yet: nothing to wait on
  }
  const remote = (p) => `vscode-remote://${host}${path.resolve(p)}`;
  const payload = [
    ...multi('extensionDevelopmentPath').map((p) => ['extensionDevelopmentPath', remote(p)]),
    ['extensionTestsPath', remote(opt('extensionTestsPath'))],
  ];
  const where = folder ? `folder=${encodeURIComponent(path.resolve(folder))}` : 'ew=true';
  const url = `http://${host}/?${where}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage();
  let finish;
  const exited = new Promise((resolve) => (finish = resolve));
  await page.exposeFunction('codeAutomationLog', (level, a) => {
    const line = util.format(...(Array.isArray(a) ? a : [a]));
    if (!NOISE.test(line)) (level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  await page.goto(url);
  const timeoutMs = Number(process.env.SHIM_TIMEOUT_MS || 300000);
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r(124), timeoutMs))]);
  if (code === 124) console.error(`code-shim: the tests did not finish within ${timeoutMs} ms`);
  await browser.close();
  stop();
  await Promise.race([new Promise((r) => cs.on('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
  try {
    process.kill(-cs.pid, 'SIGKILL');
  } catch {}
  if (code !== 0) console.error(`code-server log (last 4000 chars):\n${csLog.slice(-4000)}`);
  process.exit(code);
}

main().catch((err) => {
  console.error('code-shim:', err);
  process.exit(2);
});
