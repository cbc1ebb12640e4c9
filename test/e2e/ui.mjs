// UI pass on a normal code-server workbench (not the smoke-test mode, which hides parts of the UI),
// driven by Debian Chromium through playwright-core: squiggle, Problems panel, status bar and
// quick-fix menus, with screenshots for the README in docs/images/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checker, launchChromium, openFile } from './ui-harness.mjs';

/** The file the SQL highlighting screenshot shows: each kind of SQL the grammars colour. */
const SQL_HIGHLIGHTING_SAMPLE = `// SQL inside tagged templates, knex.raw and Prisma's $queryRaw, and an evolve-disable comment
declare const sql: (s: TemplateStringsArray, ...v: unknown[]) => unknown;
declare const knex: { raw(q: string, v?: unknown[]): unknown };
declare const prisma: { $queryRaw(s: TemplateStringsArray, ...v: unknown[]): unknown };
declare const pool: { query(q: unknown): Promise<{ rows: { id: number }[] }> };

export async function archive(before: Date, region: string) {
  await pool.query(sql\`
    INSERT INTO orders_archive (id, status)
    SELECT id, status FROM orders
    WHERE created_at < \${before} AND region = \${region} -- stale orders only
  \`);
  await knex.raw('UPDATE orders SET archived = true WHERE created_at < ?', [before]);
  return prisma.$queryRaw\`SELECT count(*) FROM orders_archive WHERE region = \${region}\`;
}

// evolve-disable-next-line unbatched-loop -- 12 regions, a fixed list
for (const region of (await pool.query('SELECT id FROM regions')).rows) {
  await pool.query(sql\`UPDATE regions SET archived_through = now() WHERE id = \${region.id}\`);
}
`;

/**
 * Puts the cursor at line:column through Quick Open (no mouse: hovers can cover the text) and runs
 * "Quick Fix..." from the command palette, as Ctrl+. does.
 */
async function openQuickFixMenu(page, line, column) {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget input').fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 30000 });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 30000 });
  await input.fill('>Quick Fix...');
  // Click the row rather than pressing Enter: Enter can hit a stale (unfiltered) focused row.
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Quick Fix...' }).first().click();
}

/**
 * Opens the quick-fix menu at line:column until it lists `title`: the first request can come before the
 * language server has answered for a file just opened, and then VS Code shows no actions. Tries 3 times.
 */
async function quickFixMenuWith(page, line, column, title) {
  let lastError;
  for (let attempt = 0; attempt < 3; attempt++) {
    await openQuickFixMenu(page, line, column);
    try {
      await page.locator('.action-widget', { hasText: title }).first().waitFor({ timeout: 20000 });
      return;
    } catch (err) {
      lastError = err;
      await page.keyboard.press('Escape');
    }
  }
  throw lastError;
}

/** Runs the checks against a workbench URL; returns per-check results (each is a pass or a failure). */
export async function runUiChecks({ url, shotsDir, failureDir, chromiumPath = '/usr/bin/chromium', log = console.log }) {
  const browser = await launchChromium(chromiumPath);
  const page = await browser.newPage({ viewport: { width: 1280, height: 880 } });
  const { results, check } = checker(page, { failureDir, failurePrefix: 'ui-failure', log });
  try {
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 90000 });
    await check('opens an evolve script and squiggles the unbatched loop', async () => {
      await openFile(page, '20240101000000_trim', 'for (const u of users)');
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60000 });
    });
    await check('lists findings of opened and unopened scripts in the Problems panel', async () => {
      await page.keyboard.press('Control+Shift+M');
      const rows = page.locator('.markers-panel .monaco-list-row');
      await rows.filter({ hasText: 'unbatched-loop' }).first().waitFor({ timeout: 60000 });
      await rows.filter({ hasText: '20240102000000_backfill_slugs.js' }).first().waitFor({ timeout: 60000 });
      await page.screenshot({ path: `${shotsDir}/problems-panel.png` });
    });
    await check('shows the findings count in the status bar', async () => {
      await page.locator('.statusbar-item', { hasText: /Evolve: \d+/ }).first().waitFor({ timeout: 60000 });
    });
    await check('offers the generic quick fixes on the unbatched loop', async () => {
      await quickFixMenuWith(page, 5, 5, 'Disable evolve rule unbatched-loop for this line'); // `for (const u of users) {`
      const menu = page.locator('.action-widget');
      await menu.filter({ hasText: 'Show documentation for evolve rule unbatched-loop' }).first().waitFor({ timeout: 5000 });
      await page.keyboard.press('Escape');
    });
    await check("offers missing-commit's rewrite on an open transaction", async () => {
      await openFile(page, '20240201000000_flag_accounts', 'knex.transaction()');
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ timeout: 60000 });
      // `const trx = await knex.transaction();`
      await quickFixMenuWith(page, 2, 5, 'Commit `trx` on every path that leaves it open');
      await page.screenshot({ path: `${shotsDir}/quick-fix-menu.png` });
      await page.keyboard.press('Escape');
    });
    await check('highlights SQL and evolve-disable comments in the editor', async () => {
      // Written here, not in workspace/, so the other checks and the mocha suite see the same files.
      const folder = new URL(url).searchParams.get('folder');
      writeFileSync(join(folder, 'sql-highlighting.ts'), SQL_HIGHLIGHTING_SAMPLE);
      // Opened from the Explorer, which shows a new file at once: Quick Open's file index can miss a
      // file created after the workbench loaded ("No matching results", seen in CI).
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'sql-highlighting.ts' }).first().click({ timeout: 60000 });
      await page.locator('.monaco-editor .view-lines', { hasText: 'knex.raw(' }).waitFor({ timeout: 60000 });
      // With the injection grammar, SQL keywords are tokens of their own; a plain string is one token.
      await page.locator('.monaco-editor .view-line span span', { hasText: /^SELECT$/ }).first().waitFor({ timeout: 60000 });
      await page.keyboard.press('Control+J'); // hide the panel: the shot is the editor
      await page.locator('.part.editor').screenshot({ path: `${shotsDir}/sql-highlighting-editor.png` });
    });
  } catch (err) {
    results.push({ name: 'workbench loads', ok: false, error: err.message });
    log(`  ✖ workbench loads: ${err.message}`);
  } finally {
    await browser.close();
  }
  return results;
}
