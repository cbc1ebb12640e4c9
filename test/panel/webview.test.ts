// The rehearsal panel's page in real headless Chromium, fed event streams recorded from real
// rehearsals (test/panel/fixtures, made by record-fixtures.ts), under the real CSP.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { formatCount, formatMs } from '../../client/src/panel/format';
import type { RehearsalEventParams } from '../../server/src/lsp/protocol';
import { loadFixture } from './fixtures';
import { chromiumUnavailable, launch, openPanel, runInfoOf, stateMessage, type PanelPage } from './page';

const unavailable = chromiumUnavailable();
if (unavailable) console.log(`# skipping the panel's Chromium tests: ${unavailable}`);
const skip = unavailable ?? false;

let browser: Browser;
before(async () => {
  if (!unavailable) browser = await launch();
});
after(async () => browser?.close());

async function waitText(panel: PanelPage, selector: string, pattern: RegExp): Promise<string> {
  const handle = await panel.page.waitForFunction(
    ([sel, source, flags]) => {
      const text = document.querySelector(sel)?.textContent ?? '';
      return new RegExp(source, flags).test(text) ? text : null;
    },
    [selector, pattern.source, pattern.flags] as const,
  );
  return (await handle.jsonValue()) as string;
}

async function counters(panel: PanelPage): Promise<Record<string, string>> {
  return panel.page.$$eval('#counters dt', (terms) => Object.fromEntries(terms.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
}

async function noProblems(panel: PanelPage): Promise<void> {
  assert.deepEqual(await panel.problems(), [], 'no CSP violation, page error or console error');
}

test('an eachBatch run: rows done of the total with an ETA, counters, then the report at 100%', { skip }, async () => {
  const recorded = loadFixture('batched');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  const progress = recorded.events.filter((e) => e.event.type === 'progress');
  const half = recorded.events.indexOf(progress[Math.floor(progress.length / 2)]) + 1;
  await panel.send(stateMessage(recorded, half));
  const text = await waitText(panel, '#progress-text', /of 60,000 rows/);
  const midway = progress[Math.floor(progress.length / 2)].event as Extract<RehearsalEventParams['event'], { type: 'progress' }>;
  const rows = midway.progress.batch!.rows;
  assert.match(text, new RegExp(`^${formatCount(rows)} of 60,000 rows \\(`));
  assert.match(text, /left/, 'an ETA while it runs');
  assert.equal(await panel.page.getAttribute('#progress', 'aria-valuenow'), String(Math.round((rows / 60_000) * 100)));
  assert.equal(await panel.page.$eval('#progress', (n) => n.classList.contains('indeterminate')), false);
  const midCounters = await counters(panel);
  assert.equal(midCounters.Batches, String(rows / 1000));
  assert.equal(midCounters.Conflicts, 'after the run', 'unknown until the report, and said so');
  assert.equal(await panel.page.textContent('#status'), 'Running');
  assert.equal(await panel.page.isVisible('#cancel'), true);
  assert.ok((await panel.page.$$('#chart svg rect.tx')).length > 0, 'transactions drawn');

  // The rest arrives as live events, then the final report.
  for (const event of recorded.events.slice(half)) await panel.send({ type: 'event', event });
  await panel.send({ type: 'finished', report: recorded.finished.report });
  await waitText(panel, '#status', /^Finished in /);
  assert.equal(await panel.page.getAttribute('#progress', 'aria-valuenow'), '100');
  assert.match((await panel.page.textContent('#progress-text'))!, /^60,000 of 60,000 rows \(100%\)/);
  const done = await counters(panel);
  const report = recorded.finished.report;
  assert.deepEqual(
    [done.Batches, done.Commits, done.Rollbacks, done.Retries, done.Conflicts, done['Writes outside transactions']],
    [report.batches, report.transactions.commits, report.transactions.rollbacks, report.retries, report.conflicts, report.writesOutsideTransaction].map((n) => formatCount(n)),
  );
  assert.equal((await panel.page.$$('#chart svg rect.tx')).length, report.transactions.count, 'a bar per transaction');
  assert.equal(await panel.page.isVisible('#cancel'), false, 'nothing to cancel any more');
  assert.match((await panel.page.textContent('#report-summary .report-status'))!, /^Finished in/);
  assert.deepEqual(await panel.page.$$eval('#report-tables tbody tr', (rows) => rows.map((r) => r.firstElementChild?.textContent)), report.tables.map((t) => t.name));
  assert.match((await panel.page.textContent('#report-eta .eta-value'))!, /^About /);
  assert.ok((await panel.page.textContent('#report-eta'))!.includes('600,000'), 'the basis: production rows');
  assert.equal(await panel.page.$('#report-error'), null, 'no error section for a run that succeeded');
  await noProblems(panel);
  await panel.page.close();
});

test('a run without a total: an honest indeterminate bar, rows written so far', { skip }, async () => {
  const recorded = loadFixture('unbatched');
  const panel = await openPanel(browser, { theme: 'light' });
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded));
  const text = await waitText(panel, '#progress-text', /rows written/);
  assert.match(text, /total unknown/);
  assert.equal(await panel.page.getAttribute('#progress', 'aria-valuenow'), null, 'no value: indeterminate to assistive technology too');
  assert.match((await panel.page.getAttribute('#progress', 'aria-valuetext'))!, /total unknown/);
  assert.equal(await panel.page.$eval('#progress', (n) => n.classList.contains('indeterminate')), true);
  assert.equal((await counters(panel)).Batches, '0');
  await noProblems(panel);
  await panel.page.close();
});

test('a failed run: the log tail, the error with a clickable source location, the buttons post their messages', { skip }, async () => {
  const recorded = loadFixture('failed');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded, recorded.events.length, { report: recorded.finished.report }));
  await waitText(panel, '#status', /^Failed in /);
  const lines = await panel.page.$$eval('#log .log-line', (nodes) => nodes.map((n) => n.textContent));
  const logged = recorded.events.flatMap((e) => (e.event.type === 'log' ? [e.event.line] : []));
  assert.deepEqual(lines, logged);
  assert.ok(lines[0]?.startsWith('batch of 500 users'));
  assert.match((await panel.page.textContent('#report-error .error-message'))!, /user 1700 has no first name/);
  const progress = Number(await panel.page.getAttribute('#progress', 'aria-valuenow'));
  assert.ok(progress > 0 && progress < 100, 'the bar stays where the script stopped');

  const location = panel.page.locator('#report-error .locations button').first();
  assert.match((await location.textContent())!, /^fail-halfway\.ts:\d+:\d+$/);
  await location.click();
  await panel.waitForPosted('openLocation');
  const open = (await panel.posted()).find((m) => m.type === 'openLocation');
  assert.ok(open && open.type === 'openLocation');
  assert.match(open.file, /test[\\/]panel[\\/]fixtures[\\/]scripts[\\/]fail-halfway\.ts$/);
  assert.ok(open.line > 0 && open.column > 0);

  await panel.page.click('#open-report-json');
  await panel.page.click('#rehearse-again');
  await panel.waitForPosted('rehearseAgain');
  assert.deepEqual((await panel.posted()).map((m) => m.type), ['ready', 'openLocation', 'openReportJson', 'rehearseAgain']);

  // Compare: the page asks, the extension answers with the previous run of the script.
  await panel.page.click('#compare');
  await panel.waitForPosted('compareWithPrevious');
  const previous = loadFixture('batched');
  await panel.send({ type: 'compare', previous: { run: { ...runInfoOf(previous), startedAt: Date.UTC(2026, 10, 25, 9, 0, 0) }, report: previous.finished.report } });
  await panel.page.waitForSelector('#comparison:not([hidden]) .compare-table');
  const header = await panel.page.$$eval('#comparison th', (ths) => ths.map((th) => th.textContent));
  assert.match(header[1]!, /^This run/);
  assert.match(header[2]!, /^Previous run \(2026-11-25 09:00:00/);
  const statusRow = await panel.page.$$eval('#comparison tbody tr:first-child td', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(statusRow, ['Status', 'Failed', 'Finished']);
  assert.equal(await panel.page.getAttribute('#compare', 'aria-expanded'), 'true');
  // Pressed again, it closes; with no earlier run kept, the page says so.
  await panel.page.click('#compare');
  await panel.page.waitForSelector('#comparison[hidden]', { state: 'attached' });
  await panel.page.click('#compare');
  await panel.waitForPosted('compareWithPrevious', 2);
  await panel.send({ type: 'compare', previous: null });
  assert.match(await waitText(panel, '#comparison', /No earlier run/), /No earlier run of fail-halfway\.ts is kept in this workspace\./);
  await noProblems(panel);
  await panel.page.close();
});

test('keyboard: Tab reaches Cancel early, Enter cancels once, focus is visible', { skip }, async () => {
  const recorded = loadFixture('batched');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded, 10));
  await waitText(panel, '#status', /Running/);
  const order: string[] = [];
  for (let i = 0; i < 10 && order.at(-1) !== 'cancel'; i++) {
    await panel.page.keyboard.press('Tab');
    order.push(await panel.page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName || ''));
  }
  assert.equal(order[0], 'cancel', `Cancel is the first stop (got ${order.join(' → ')})`);
  const outline = await panel.page.$eval('#cancel', (n) => getComputedStyle(n).outlineStyle);
  assert.equal(outline, 'solid', 'a visible focus ring');
  await panel.page.keyboard.press('Enter');
  await panel.waitForPosted('cancel');
  await waitText(panel, '#cancel', /Cancelling/);
  assert.equal(await panel.page.$eval('#cancel', (n) => (n as HTMLButtonElement).disabled), true);
  await panel.page.keyboard.press('Enter');
  assert.equal((await panel.posted()).filter((m) => m.type === 'cancel').length, 1, 'one cancel, however often pressed');
  // Tab goes on to the log, which scrolls with the keyboard.
  await panel.page.focus('#log');
  assert.equal(await panel.page.evaluate(() => document.activeElement?.id), 'log');
  await noProblems(panel);
  await panel.page.close();
});

test('the log follows new lines, unless the reader scrolled up', { skip }, async () => {
  const recorded = loadFixture('failed');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded, 3));
  const line = (n: number): RehearsalEventParams => ({ runId: recorded.finished.runId, uri: recorded.finished.uri, atMs: 1000 + n, event: { type: 'log', stream: 'script', line: `progress line ${n}` } });
  for (let n = 1; n <= 60; n++) await panel.send({ type: 'event', event: line(n) });
  await waitText(panel, '#log', /progress line 60/);
  const atBottom = () => panel.page.$eval('#log', (n) => n.scrollTop + n.clientHeight >= n.scrollHeight - 4);
  assert.equal(await atBottom(), true, 'follows the end');
  await panel.page.$eval('#log', (n) => {
    n.scrollTop = 0;
    n.dispatchEvent(new Event('scroll'));
  });
  for (let n = 61; n <= 70; n++) await panel.send({ type: 'event', event: line(n) });
  await waitText(panel, '#log', /progress line 70/);
  assert.equal(await panel.page.$eval('#log', (n) => n.scrollTop), 0, 'stays where the reader is');
  await noProblems(panel);
  await panel.page.close();
});

test('a resume check that fails: the verdict, the kill points and the differing table with example rows', { skip }, async () => {
  const recorded = loadFixture('resume-check');
  const panel = await openPanel(browser, { theme: 'high-contrast' });
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded, recorded.events.length, { report: recorded.finished.report }));
  await waitText(panel, '#report-resume-check .verdict', /^Fail/);
  const check = recorded.finished.report.resumeCheck!;
  const facts = (await panel.page.textContent('#report-resume-check .facts'))!;
  assert.ok(facts.includes(check.killPoints.map((p) => `${p.unit} ${p.n}`).join(', ')), facts);
  assert.match((await panel.page.textContent('#report-resume-check .differing-table h4'))!, /^users: 200 rows resumed vs 200 uninterrupted/);
  assert.ok((await panel.page.$$('#report-resume-check .differing-table tbody tr')).length > 0, 'example rows');
  await noProblems(panel);
  await panel.page.close();
});

test('site load: site p99 over time on the same axis as the transactions, and baseline vs run by percentile and cause', { skip }, async () => {
  const recorded = loadFixture('site-load');
  const site = recorded.finished.report.site!;
  const samples = recorded.events.filter((e) => e.event.type === 'site-sample').length;
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  await panel.send(stateMessage(recorded, recorded.events.length, { report: recorded.finished.report }));
  await panel.page.waitForSelector('#chart svg path.site-line');
  const d = (await panel.page.getAttribute('#chart svg path.site-line', 'd'))!;
  assert.equal(d.split(/[ML]/).filter(Boolean).length, samples * 2, 'a step per site sample');
  // The baseline samples lie left of the script's one transaction, on the same axis.
  const firstSiteX = Number(/^M([\d.]+)/.exec(d)![1]);
  const txX = Number(await panel.page.getAttribute('#chart svg rect.tx', 'x'));
  assert.ok(firstSiteX < txX, `baseline sample at x=${firstSiteX}, before the transaction at x=${txX}`);
  const rows = await panel.page.$$eval('#report-site tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => [r[0], r[1], r[4]]), [
    ['Baseline', formatCount(site.baseline.requests), formatMs(site.baseline.p99Ms)],
    ['During the run', formatCount(site.run.requests), formatMs(site.run.p99Ms)],
  ]);
  assert.deepEqual(await panel.page.$$eval('#report-site thead th', (ths) => ths.slice(7).map((th) => th.textContent)), ['conflict', 'lock-timeout', 'busy', 'statement-timeout', 'other'], 'failures by cause');
  await noProblems(panel);
  await panel.page.close();
});

test('a page shown again draws its saved view at once, before the extension answers ready', { skip }, async () => {
  const recorded = loadFixture('batched');
  const first = await openPanel(browser);
  await first.waitForPosted('ready');
  await first.send(stateMessage(recorded, recorded.events.length, { report: recorded.finished.report }));
  await waitText(first, '#status', /^Finished/);
  const saved = await first.savedState();
  await first.page.close();

  const again = await openPanel(browser, { savedState: saved });
  await waitText(again, '#status', /^Finished/);
  assert.equal(await again.page.getAttribute('#progress', 'aria-valuenow'), '100');
  assert.deepEqual((await again.posted()).map((m) => m.type), ['ready']);
  await noProblems(again);
  await again.page.close();
});

test('a run a window reload interrupted: said so, with nothing to cancel', { skip }, async () => {
  const recorded = loadFixture('batched');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  const note = 'The window was reloaded while this run was going: its events stopped here, and its report was not received.';
  await panel.send(stateMessage(recorded, 20, { note }));
  await waitText(panel, '#status', /^Interrupted$/);
  assert.equal(await panel.page.textContent('#run-note'), note);
  assert.equal(await panel.page.isVisible('#cancel'), false);
  await noProblems(panel);
  await panel.page.close();
});

test('a burst sent as a new state of the same run appends to the log: the reader keeps their place', { skip }, async () => {
  const recorded = loadFixture('failed');
  const panel = await openPanel(browser);
  await panel.waitForPosted('ready');
  const line = (n: number): RehearsalEventParams => ({ runId: recorded.finished.runId, uri: recorded.finished.uri, atMs: 1000 + n, event: { type: 'log', stream: 'script', line: `burst line ${n}` } });
  const first = [...recorded.events.slice(0, 3), ...Array.from({ length: 40 }, (_, i) => line(i + 1))];
  await panel.send(stateMessage({ ...recorded, events: first }));
  await waitText(panel, '#log', /burst line 40/);
  await panel.page.$eval('#log', (n) => {
    n.firstElementChild!.setAttribute('data-mark', 'kept');
    n.scrollTop = 10;
    n.dispatchEvent(new Event('scroll'));
  });
  const more = [...first, ...Array.from({ length: 30 }, (_, i) => line(i + 41))];
  await panel.send(stateMessage({ ...recorded, events: more }));
  await waitText(panel, '#log', /burst line 70/);
  assert.equal(await panel.page.$eval('#log', (n) => n.firstElementChild!.getAttribute('data-mark')), 'kept', 'the lines drawn before are the same nodes');
  assert.equal(await panel.page.$eval('#log', (n) => n.scrollTop), 10);
  assert.equal((await panel.page.$$('#log .log-line')).length, 70);
  await noProblems(panel);
  await panel.page.close();
});
