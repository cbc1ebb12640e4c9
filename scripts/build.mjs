// Bundles the extension client, the language server and the CLI with esbuild.
// Every library is bundled, so the .vsix is packaged with `vsce package --no-dependencies`.
import { build } from 'esbuild';
import { copyFileSync, existsSync } from 'node:fs';
import { buildRuntime } from '../runtime/scripts/build.mjs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
  // Native drivers are never bundled: the language server must not load them, and the
  // rehearsal child resolves them from the user's workspace first.
  external: ['vscode', 'better-sqlite3', 'pg-native'],
  // jsonc-parser's UMD entry requires its own files at run time; its ESM entry bundles cleanly.
  mainFields: ['module', 'main'],
};

const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js' },
  // dist/server.js (what editors start) loads dist/server-main.js through V8's code cache (boot.ts).
  { entryPoints: ['server/src/boot.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['server/src/server.ts'], outfile: 'dist/server-main.js' },
  // dist/cli.js (bin/evolve.js, and each of lint's worker threads) loads dist/cli-main.js the same way (cli-boot.ts).
  { entryPoints: ['server/src/cli-boot.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli-main.js' },
  { entryPoints: ['test/corpus/corpus.ts'], outfile: 'dist/corpus.js' },
  // The rehearsal child: run by the user's Node, it loads the drivers the parent never does.
  { entryPoints: ['server/src/rehearsal/child/main.ts'], outfile: 'dist/rehearsal-child.js' },
  // The simulated site of `evolve rehearse --site-load`: started by the child, its own connections.
  { entryPoints: ['server/src/rehearsal/site/main.ts'], outfile: 'dist/rehearsal-site.js' },
  // evolve-runtime as shipped with Evolve, for rehearsed scripts whose workspace lacks it.
  { entryPoints: ['runtime/src/index.ts'], outfile: 'dist/evolve-runtime.js' },
].filter((e) => existsSync(e.entryPoints[0]));

// The rehearsal panel's page script runs in the webview (a browser), beside its stylesheet.
const webview = {
  entryPoints: ['client/src/panel/webview/main.ts'],
  outfile: 'dist/panel/webview.js',
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  format: 'iife',
  sourcemap: true,
  logLevel: 'warning',
};
const panelBuilds = existsSync(webview.entryPoints[0]) ? [build(webview)] : [];

// evolve-runtime (runtime/dist) is built too: examples, tests and benches import it by its package name.
await Promise.all([...entries.map((e) => build({ ...common, ...e })), ...panelBuilds, buildRuntime()]);
if (panelBuilds.length) copyFileSync('client/src/panel/webview/panel.css', 'dist/panel/panel.css');
// Its single-file types beside dist/evolve-runtime.js: the server vendors the pair into projects that cannot install it.
copyFileSync('runtime/dist/evolve-runtime.d.ts', 'dist/evolve-runtime.d.ts');
if (watch) console.log('esbuild: built', entries.map((e) => e.outfile).join(', '));
