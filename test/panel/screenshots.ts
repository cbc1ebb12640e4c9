// Screenshots of the rehearsal panel for docs/images/, from a recorded real rehearsal, in the light
// and dark themes (and high contrast when asked), and the chart of a run under site load: node --import tsx test/panel/screenshots.ts [--all]
// Run `npm run build` first. Not part of npm test: images are rewritten only on purpose.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadFixture } from './fixtures';
import { chromiumUnavailable, launch, openPanel, stateMessage } from './page';
import type { ThemeName } from './themes';

async function main(): Promise<void> {
  const unavailable = chromiumUnavailable();
  if (unavailable) throw new Error(`Cannot take the screenshots: ${unavailable}.`);
  const out = join(__dirname, '..', '..', 'docs', 'images');
  mkdirSync(out, { recursive: true });
  const themes: ThemeName[] = process.argv.includes('--all') ? ['light', 'dark', 'high-contrast'] : ['light', 'dark'];
  const recorded = loadFixture('batched');
  const browser = await launch();
  try {
    for (const theme of themes) {
      const panel = await openPanel(browser, { theme, width: 960 });
      await panel.waitForPosted('ready');
      await panel.send(stateMessage(recorded, recorded.events.length, { report: recorded.finished.report }));
      await panel.page.waitForSelector('#report-eta');
      const problems = await panel.problems();
      if (problems.length) throw new Error(`The page reported problems in the ${theme} theme: ${problems.join('; ')}`);
      const file = join(out, `rehearsal-panel-${theme}.png`);
      await panel.page.screenshot({ path: file, fullPage: true });
      console.log(file);
      await panel.page.close();
    }
    // The unbatched backfill under a simulated site: site p99 against the script's one transaction.
    const site = loadFixture('site-load');
    const panel = await openPanel(browser, { theme: 'dark', width: 960 });
    await panel.waitForPosted('ready');
    await panel.send(stateMessage(site, site.events.length, { report: site.finished.report }));
    await panel.page.waitForSelector('#report-site');
    const chart = join(out, 'rehearsal-panel-site-load.png');
    await panel.page.locator('.chart-section').screenshot({ path: chart });
    console.log(chart);
  } finally {
    await browser.close();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
