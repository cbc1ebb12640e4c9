// `npm run test:e2e`: Evolve in a real VS Code. Installs the tools into .evolve-tools/ (install-tools.sh),
// packages the .vsix (vsce --no-dependencies) and installs it into code-server, then
//   1. a UI pass on a normal workbench (ui.mjs: Problems panel and quick-fix menu screenshots), and
//   2. the mocha suite (suite/) in the real extension host via @vscode/test-electron's runTests with
//      code-shim.cjs standing in for the VS Code executable.
// Ends with "N passed, N failed" (the .ci/e2e script adds these up).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runUiChecks } from './ui.mjs';
import { runRehearsalUiChecks } from './ui-rehearsal.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = join(HERE, '../..');
const RUN = join(REPO, '.evolve-tools/e2e-run');
const require = createRequire(import.meta.url);
const t0 = Date.now();
// Keeps code-server from writing into the home folder.
const XDG = { XDG_CONFIG_HOME: join(RUN, 'xdg/config'), XDG_DATA_HOME: join(RUN, 'xdg/data'), XDG_CACHE_HOME: join(RUN, 'xdg/cache') };
const step = (s) => console.log(`=== [${Math.round((Date.now() - t0) / 1000)}s] ${s}`);
let passed = 0;
let failed = 0;

function toolsEnv() {
  const out = execFileSync('bash', [join(HERE, 'install-tools.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = {};
  for (const m of out.matchAll(/^export (\w+)='(.*)'$/gm)) env[m[1]] = m[2];
  return env;
}

/** Starts code-server in its own process group (stopping the group ends all its helpers). */
async function startCodeServer(env, args, logFile) {
  const port = 20000 + (process.pid % 20000);
  const child = spawn(env.CS_NODE, [env.CS_ENTRY, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--ignore-last-opened', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...XDG } });
  let log = '';
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const stop = async () => {
    writeFileSync(logFile, log);
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 5000))]);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  for (let i = 0; ; i++) {
    try { if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break; } catch { /* not listening yet */ }
    if (i > 300 || child.exitCode !== null) { await stop(); throw new Error(`code-server did not start on port ${port}; log: ${logFile}\n${log.slice(-2000)}`); }
    await new Promise((r) => setTimeout(r, 200)); // nothing to wait on but the port
  }
  return { host: `127.0.0.1:${port}`, stop };
}

async function main() {
  for (const f of ['dist/server.js', 'dist/client.js']) {
    if (!existsSync(join(REPO, f))) throw new Error(`${f} is missing: run \`npm run build\` (npm run test:e2e does).`);
  }
  step('tools (.evolve-tools/: chromium, Node 24, code-server 4.139.1)');
  const env = toolsEnv();
  rmSync(RUN, { recursive: true, force: true });
  mkdirSync(RUN, { recursive: true });

  step('package the .vsix (vsce package --no-dependencies) and install it into code-server');
  const vsix = join(RUN, 'evolve.vsix');
  execFileSync(process.execPath, [require.resolve('@vscode/vsce/vsce'), 'package', '--no-dependencies', '--skip-license', '--allow-unused-files-pattern', '-o', vsix],
    { cwd: REPO, stdio: ['ignore', 'inherit', 'inherit'] });
  const extensionsDir = join(RUN, 'extensions');
  execFileSync(env.CS_NODE, [env.CS_ENTRY, '--user-data-dir', join(RUN, 'install-profile'), '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...XDG } });
  const workspace = (name) => {
    const dir = join(RUN, name);
    cpSync(join(HERE, 'workspace'), dir, { recursive: true });
    return dir;
  };

  step('UI pass: normal workbench, screenshots into docs/images/');
  const shotsDir = join(REPO, 'docs/images');
  mkdirSync(shotsDir, { recursive: true });
  const uiWorkspace = workspace('ui-workspace');
  // A plain editor for the screenshots: no chat side bar, no welcome page.
  mkdirSync(join(RUN, 'ui-profile/User'), { recursive: true });
  writeFileSync(join(RUN, 'ui-profile/User/settings.json'), JSON.stringify({
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'editor.stickyScroll.enabled': false,
    // Rehearsals run scripts with the Node that runs this (better-sqlite3 is built for it), not code-server's.
    'evolve.nodePath': process.execPath,
  }));
  const cs = await startCodeServer(env, ['--user-data-dir', join(RUN, 'ui-profile'), '--extensions-dir', extensionsDir, uiWorkspace], join(RUN, 'code-server-ui.log'));
  try {
    const ui = { url: `http://${cs.host}/?folder=${encodeURIComponent(uiWorkspace)}`, shotsDir, failureDir: RUN, chromiumPath: env.CHROMIUM };
    const results = [...(await runUiChecks(ui)), ...(await runRehearsalUiChecks(ui))];
    passed += results.filter((r) => r.ok).length;
    failed += results.filter((r) => !r.ok).length;
  } finally {
    await cs.stop();
  }

  step('mocha in the real extension host: @vscode/test-electron runTests + code-shim.cjs');
  const { runTests } = require('@vscode/test-electron');
  const resultFile = join(RUN, 'mocha-result.json');
  const logFile = join(RUN, 'mocha.log');
  writeFileSync(logFile, '');
  mkdirSync(join(RUN, 'mocha-profile/User'), { recursive: true });
  writeFileSync(join(RUN, 'mocha-profile/User/settings.json'), JSON.stringify({ 'evolve.nodePath': process.execPath }));
  try {
    await runTests({
      vscodeExecutablePath: join(HERE, 'code-shim.cjs'),
      extensionDevelopmentPath: join(HERE, 'host-extension'),
      extensionTestsPath: join(HERE, 'suite/index.js'),
      launchArgs: [workspace('mocha-workspace'), `--extensions-dir=${extensionsDir}`, `--user-data-dir=${join(RUN, 'mocha-profile')}`],
      extensionTestsEnv: { ...env, ...XDG, EVOLVE_E2E_RESULT: resultFile, EVOLVE_E2E_LOG: logFile, EVOLVE_E2E_EXTENSIONS_DIR: extensionsDir },
    });
  } catch (err) {
    console.error(`runTests: ${err.message}`);
  }
  process.stdout.write(readFileSync(logFile, 'utf8'));
  if (existsSync(resultFile)) {
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    passed += result.passes;
    failed += result.failures;
  } else {
    console.error('The in-editor suite reported no result (the extension host did not run it): counted as one failure.');
    failed += 1;
  }
}

main()
  .catch((err) => {
    console.error(`e2e: ${err.stack ?? err}`);
    failed += 1;
  })
  .finally(() => {
    console.log(`\n${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
