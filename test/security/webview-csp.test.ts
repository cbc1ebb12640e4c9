// The rehearsal panel's Content Security Policy is strict: parsed from the HTML the extension
// really generates (client/src/panel/html.ts), it allows nothing by default, scripts only by the
// page's nonce, nothing remote, no inline code or eval. The page shows text from the rehearsed script
// (its log, its error), so the webview code must also never parse strings as HTML.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { buildPanelHtml } from '../../client/src/panel/html';

/** What VS Code gives as webview.cspSource, and asWebviewUri results under it. */
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const RESOURCE = `${CSP_SOURCE}/ext/dist/panel`;

const decode = (s: string) => s.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&quot;/g, '"').replace(/&amp;/g, '&');

function parsePolicy(html: string): Map<string, string[]> {
  const metas = [...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/gi)];
  assert.equal(metas.length, 1, 'exactly one CSP meta tag');
  const policy = new Map<string, string[]>();
  for (const directive of decode(metas[0][1]).split(';').map((d) => d.trim()).filter(Boolean)) {
    const [name, ...sources] = directive.split(/\s+/);
    assert.ok(!policy.has(name), `${name} given twice`);
    policy.set(name.toLowerCase(), sources);
  }
  return policy;
}

test('the panel CSP: default-src none, scripts by nonce only, nothing remote, no unsafe-inline or unsafe-eval', () => {
  const nonce = randomBytes(16).toString('base64');
  const html = buildPanelHtml({ cspSource: CSP_SOURCE, nonce, scriptUri: `${RESOURCE}/webview.js`, styleUri: `${RESOURCE}/panel.css`, title: 'Rehearsal of <b>x</b>.ts' });
  const policy = parsePolicy(html);

  assert.deepEqual(policy.get('default-src'), ["'none'"]);
  assert.deepEqual(policy.get('script-src'), [`'nonce-${nonce}'`], 'scripts only by the nonce: not even the resource origin');
  for (const [name, sources] of policy) {
    for (const source of sources) {
      assert.doesNotMatch(source, /unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe-eval/, `${name} ${source}`);
      // Keywords, the nonce, the webview's own resource origin, and data: images only.
      const allowed = source === "'none'" || source === `'nonce-${nonce}'` || source === CSP_SOURCE || (name === 'img-src' && source === 'data:');
      assert.ok(allowed, `${name} allows ${source}: a remote or wildcard source`);
    }
  }
  for (const fetchDirective of ['connect-src', 'frame-src', 'child-src', 'object-src', 'worker-src', 'form-action']) {
    assert.ok(!policy.has(fetchDirective), `${fetchDirective} is left to default-src 'none'`);
  }

  // The page itself keeps to it: one script, by nonce and from the resources; no inline code or styles.
  const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  assert.equal(scripts.length, 1);
  assert.ok(decode(scripts[0][1]).includes(`nonce="${nonce}"`), scripts[0][1]);
  assert.ok(decode(scripts[0][1]).includes(`src="${RESOURCE}/webview.js"`), scripts[0][1]);
  assert.equal(scripts[0][2].trim(), '', 'no inline script');
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
  assert.doesNotMatch(html, /<style\b|\sstyle\s*=/i, 'no inline styles');
  assert.doesNotMatch(html, /<b>x<\/b>/, 'the title is escaped');
});

test('each page gets a fresh nonce from crypto.randomBytes', () => {
  const panel = readFileSync(join(__dirname, '../../client/src/panel/rehearsal-panel.ts'), 'utf8');
  assert.match(panel, /nonce: randomBytes\(16\)\.toString\('base64'\)/);
  assert.match(panel, /localResourceRoots: \[this\.resourceRoot\(\)\]/, 'the webview loads local files from the panel folder only');
  assert.doesNotMatch(panel, /enableCommandUris/, 'no command: links');
});

test('the webview code never parses strings as HTML (the log and errors are the script\'s own text)', () => {
  const dir = join(__dirname, '../../client/src/panel/webview');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 0);
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.doesNotMatch(text, /\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\beval\(|new Function\(|createContextualFragment|DOMParser/, file);
  }
});
