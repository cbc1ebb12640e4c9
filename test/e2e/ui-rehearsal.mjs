// UI pass for "Evolve: Rehearse Script Against Snapshot" on a normal code-server workbench, driven
// by Debian Chromium as a person would: the code lens, the command palette, the snapshot picker, the
// panel reaching 100% with its report, then a second (slow) run cancelled from the panel. The panel
// screenshots go to docs/images/ for the README.
import { checker, launchChromium, openFile } from './ui-harness.mjs';

const FAST = 'backfill-display-names.ts';
const SLOW = 'backfill-display-names-slowly.ts';

/** Runs a command from the palette by its title (clicking the row: Enter can hit a stale focused row). */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30000 });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().click();
}

/** The palette, the snapshot picker (the config's "e2e"), then "Rehearse" (plain). */
async function rehearseFromPalette(page) {
  await runCommand(page, 'Evolve: Rehearse Script Against Snapshot');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e' }).first().click({ timeout: 60000 });
  await page.locator('.quick-input-widget', { hasText: 'how' }).waitFor({ timeout: 30000 });
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'run the script once on the copy' }).first().click();
}

/** The run's panel: the only webview open (the tests close the other editors first). */
const panel = (page) => page.frameLocator('iframe.webview').frameLocator('#active-frame');

export async function runRehearsalUiChecks({ url, shotsDir, failureDir, chromiumPath = '/usr/bin/chromium', log = console.log }) {
  const browser = await launchChromium(chromiumPath);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const { results, check } = checker(page, { failureDir, failurePrefix: 'ui-rehearsal-failure', log });
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await check('shows "▶ Rehearse against snapshot" above the script\'s entry point', async () => {
      await openFile(page, FAST, 'export interface Pace');
      await page.locator('.monaco-editor .codelens-decoration', { hasText: 'Rehearse against snapshot' }).first().waitFor({ timeout: 60000 });
    });
    await check('rehearses from the palette on the picked snapshot: the panel reaches 100% and shows the report', async () => {
      await rehearseFromPalette(page);
      const view = panel(page);
      await view.locator('#status', { hasText: /^Finished in/ }).waitFor({ timeout: 120000 });
      await view.locator('#progress[aria-valuenow="100"]').waitFor({ timeout: 5000 });
      await view.locator('#report', { hasText: 'users' }).waitFor({ timeout: 5000 });
      await page.screenshot({ path: `${shotsDir}/rehearsal-panel-done.png` });
    });
    await check('cancels a second, slow run from its panel: it stops cleanly after the batch in flight', async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, SLOW, 'backfillDisplayNamesSlowly');
      await rehearseFromPalette(page);
      // Mirrored outside the panel too: the cancellable notification and the status bar, from the work-done progress.
      await page.locator('.notification-toast', { hasText: `Evolve: rehearsing scripts/${SLOW}` }).filter({ hasText: /of 1,000 rows/ }).first().waitFor({ timeout: 120000 });
      await page.locator('.statusbar-item', { hasText: /Rehearsing \d+%/ }).first().waitFor({ timeout: 60000 });
      const view = panel(page);
      await view.locator('#progress-text', { hasText: /[1-9][\d,]* of 1,000 rows/ }).waitFor({ timeout: 120000 });
      await view.locator('#cancel').click();
      await view.locator('#status', { hasText: /^Cancelled in/ }).waitFor({ timeout: 60000 });
      await view.locator('#report').waitFor({ timeout: 5000 });
      await page.locator('.statusbar-item', { hasText: 'Rehearsing' }).waitFor({ state: 'hidden', timeout: 30000 });
      await page.screenshot({ path: `${shotsDir}/rehearsal-panel-cancelled.png` });
    });
    await check("cancels a third run from its notification's Cancel button", async () => {
      await runCommand(page, 'View: Close All Editors');
      await openFile(page, SLOW, 'backfillDisplayNamesSlowly');
      await rehearseFromPalette(page);
      const toast = page.locator('.notification-toast', { hasText: `Evolve: rehearsing scripts/${SLOW}` }).filter({ hasText: /of 1,000 rows/ }).first();
      await toast.waitFor({ timeout: 120000 });
      await toast.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await panel(page).locator('#status', { hasText: /^Cancelled in/ }).waitFor({ timeout: 60000 });
      await toast.waitFor({ state: 'hidden', timeout: 30000 });
    });
  } catch (err) {
    results.push({ name: 'rehearsal UI pass', ok: false, error: err.message });
    log(`  ✖ rehearsal UI pass: ${err.message}`);
  } finally {
    await browser.close();
  }
  return results;
}
