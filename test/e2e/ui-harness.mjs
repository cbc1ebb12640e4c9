// What the UI passes (ui.mjs, ui-rehearsal.mjs) share: Debian Chromium, headless, driven by
// playwright-core; checks that record a pass or a failure (with a screenshot) and let the next one
// run; opening a workspace file through Quick Open.
import { chromium } from 'playwright-core';

export function launchChromium(executablePath) {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `check(name, fn)` runs one check; `results` lists each as { name, ok, error? }. */
export function checker(page, { failureDir, failurePrefix, log }) {
  const results = [];
  const check = async (name, fn) => {
    try {
      await fn();
      results.push({ name, ok: true });
      log(`  ✔ ${name}`);
    } catch (err) {
      results.push({ name, ok: false, error: err.message });
      log(`  ✖ ${name}: ${err.message.split('\n')[0]}`);
      await page.screenshot({ path: `${failureDir}/${failurePrefix}-${results.length}.png` }).catch(() => undefined);
    }
  };
  return { results, check };
}

/**
 * Opens a workspace file through Quick Open and waits until the editor shows `expected`. The file's
 * row is clicked: Enter can open a stale focused row (the file opened last).
 */
export async function openFile(page, name, expected) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().click({ timeout: 60000 });
  await page.locator('.monaco-editor .view-lines', { hasText: expected }).waitFor({ timeout: 60000 });
}
