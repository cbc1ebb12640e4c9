// The panel's HTML, outside VS Code: the strict CSP with its nonce, nothing remote, nothing inline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPanelHtml, contentSecurityPolicy } from '../../client/src/panel/html';

const options = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'bm9uY2Vub25jZW5vbmNl', scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel/webview.js', styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/panel/panel.css', title: 'Rehearsal <of> "x"' };

test('the CSP allows only local resources and the nonce script', () => {
  assert.equal(
    contentSecurityPolicy(options.cspSource, options.nonce),
    `default-src 'none'; img-src ${options.cspSource} data:; style-src ${options.cspSource}; font-src ${options.cspSource}; script-src 'nonce-${options.nonce}'`,
  );
  const html = buildPanelHtml(options);
  const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
  assert.equal(meta?.[1].replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code))), contentSecurityPolicy(options.cspSource, options.nonce), 'the CSP is in a meta tag');
  assert.equal(html.match(/<script\b/g)?.length, 1, 'one script');
  assert.ok(html.includes(`<script nonce="${options.nonce}" src="${options.scriptUri}"></script>`));
});

test('no inline style, handler or remote URL; the title is escaped', () => {
  const html = buildPanelHtml(options);
  assert.doesNotMatch(html, /\sstyle=|<style|\son[a-z]+=/i);
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(urls, [options.styleUri, options.scriptUri]);
  assert.ok(html.includes('Rehearsal &#60;of&#62; &#34;x&#34;'));
  assert.ok(!html.includes('<of>'));
});

test('every element the page script looks up is in the page', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const html = buildPanelHtml(options);
  const scripts = ['main.ts', 'log-view.ts'].map((f) => readFileSync(join(__dirname, '..', '..', 'client', 'src', 'panel', 'webview', f), 'utf8')).join('\n');
  const ids = new Set([...scripts.matchAll(/byId(?:<[^>]+>)?\('([^']+)'\)/g)].map((m) => m[1]));
  assert.ok(ids.size > 10);
  for (const id of ids) assert.ok(html.includes(`id="${id}"`), `#${id} is in the page`);
});
