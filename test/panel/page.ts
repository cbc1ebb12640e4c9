// Loads the rehearsal panel's built page (dist/panel) in real headless Chromium, the way VS Code
// shows it: the same HTML builder and CSP, the theme variables on <html> and the theme class on
// <body>, and `acquireVsCodeApi` (here a recording shim, injected before the page's own script).
// Messages from the "extension" are window.postMessage calls, as in a real webview.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPanelHtml } from '../../client/src/panel/html';
import type { ExtensionToWebview, PanelState, RunInfo, WebviewToExtension } from '../../client/src/panel/protocol';
import type { RecordedRun } from './fixtures';
import { THEMES, type ThemeName } from './themes';

const ORIGIN = 'https://panel.test';
const DIST = join(__dirname, '..', '..', 'dist', 'panel');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Why the Chromium tests cannot run here, or null when they can (in CI they must). */
export function chromiumUnavailable(): string | null {
  const missing = !existsSync(CHROMIUM) ? `${CHROMIUM} is missing (apt-get install chromium, or set CHROMIUM)` : null;
  if (missing && process.env.CI === 'true') throw new Error(`The panel's Chromium tests must run in CI: ${missing}.`);
  if (!existsSync(join(DIST, 'webview.js'))) throw new Error(`${join(DIST, 'webview.js')} is missing: run npm run build first.`);
  return missing;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}

export interface PanelPage {
  page: Page;
  send(message: ExtensionToWebview): Promise<void>;
  posted(): Promise<WebviewToExtension[]>;
  waitForPosted(type: WebviewToExtension['type'], count?: number): Promise<void>;
  /** CSP violations and page errors seen so far (there should be none). */
  problems(): Promise<string[]>;
  /** What the page saved with setState. */
  savedState(): Promise<unknown>;
}

export async function openPanel(browser: Browser, options: { theme?: ThemeName; savedState?: unknown; width?: number } = {}): Promise<PanelPage> {
  const theme = THEMES[options.theme ?? 'dark'];
  const page = await browser.newPage({ viewport: { width: options.width ?? 900, height: 900 } });
  // Everything here waits on the page's own rendering (one frame): a wait this long means a failure.
  page.setDefaultTimeout(10_000);
  const nonce = Buffer.from(`${Math.random()}`).toString('base64');
  const html = buildPanelHtml({ cspSource: ORIGIN, nonce, scriptUri: `${ORIGIN}/webview.js`, styleUri: `${ORIGIN}/panel.css`, title: 'Rehearsal' });
  await page.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const files: Record<string, [string, string]> = { '/webview.js': ['webview.js', 'text/javascript'], '/panel.css': ['panel.css', 'text/css'] };
    if (path === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
    const file = files[path];
    return file ? route.fulfill({ contentType: file[1], body: readFileSync(join(DIST, file[0])) }) : route.fulfill({ status: 404, body: '' });
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => message.type() === 'error' && pageErrors.push(`console: ${message.text()}`));
  // A string, not a function: tsx's transform would add helpers (__name) the page does not have.
  await page.addInitScript(`(() => {
    const settings = ${JSON.stringify({ variables: theme.variables, bodyClass: theme.bodyClass, savedState: options.savedState ?? null })};
    window.__posted = [];
    window.__state = settings.savedState ?? undefined;
    window.__violations = [];
    window.acquireVsCodeApi = () => ({
      postMessage: (message) => window.__posted.push(message),
      getState: () => window.__state,
      setState: (state) => (window.__state = state),
    });
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push('CSP ' + e.violatedDirective + ': ' + e.blockedURI));
    document.addEventListener('DOMContentLoaded', () => {
      for (const [name, value] of Object.entries(settings.variables)) document.documentElement.style.setProperty(name, value);
      document.body.classList.add(settings.bodyClass);
    });
  })();`);
  await page.goto(`${ORIGIN}/index.html`);
  return {
    page,
    send: async (message) => {
      await page.evaluate((m) => window.postMessage(m, '*'), message);
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: WebviewToExtension[] }).__posted),
    waitForPosted: async (type, count = 1) => {
      await page.waitForFunction(([t, n]) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === t).length >= (n as number), [type, count] as const);
    },
    problems: async () => [...pageErrors, ...(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations))],
    savedState: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
  };
}

export function runInfoOf(recorded: RecordedRun, snapshotLabel = 'app.db', startedAt = Date.UTC(2026, 10, 26, 10, 0, 0)): RunInfo {
  const { runId, uri } = recorded.finished;
  return { runId, uri, scriptLabel: uri.split('/').pop()!, snapshotLabel, args: { uri, runId, snapshot: snapshotLabel }, startedAt };
}

/** The `state` message the extension answers `ready` with: the events so far, not yet folded. */
export function stateMessage(recorded: RecordedRun, upTo = recorded.events.length, extra: Partial<PanelState> = {}): ExtensionToWebview {
  return { type: 'state', state: { run: runInfoOf(recorded), events: recorded.events.slice(0, upTo), report: null, previous: null, ...extra } };
}
