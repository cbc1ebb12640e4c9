// Records the event streams the panel tests replay: real rehearsals (the engine, its child, real
// SQLite) of example scripts, written as NDJSON to test/panel/fixtures/<name>.ndjson. Each line is
// an evolve/rehearsalEvent's params, as the language server relays them; the last line is the
// evolve/rehearsalFinished params ({ runId, uri, report }).
// Run after `npm run build`: node --import tsx test/panel/record-fixtures.ts [name ...]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import type { RehearsalEventParams, RehearsalFinishedParams } from '../../server/src/lsp/protocol';
import { findEvolveRoot, startRehearsal, type RehearsalOptions } from '../../server/src/rehearsal/engine';
import type { ChildEvent, RehearsalReport } from '../../server/src/rehearsal/protocol';
import { runResumeCheck } from '../../server/src/rehearsal/resume-check';

const root = findEvolveRoot();
const fixtures = join(root, 'test', 'panel', 'fixtures');
const temp = mkdtempSync(join(tmpdir(), 'evolve-panel-fixtures-'));

async function record(name: string, script: string, run: (options: RehearsalOptions, onEvent: (e: ChildEvent) => void) => Promise<RehearsalReport>, options: Partial<RehearsalOptions>): Promise<void> {
  const runId = `fixture-${name}`;
  const uri = pathToFileURL(join(root, script)).toString();
  const started = Date.now();
  const lines: string[] = [];
  const onEvent = (event: ChildEvent) => {
    const params: RehearsalEventParams = { runId, uri, atMs: Date.now() - started, event };
    lines.push(JSON.stringify(params));
  };
  const report = await run({ script: join(root, script), workspace: root, tempRoot: temp, ...options }, onEvent);
  const finished: RehearsalFinishedParams = { runId, uri, report };
  lines.push(JSON.stringify(finished));
  writeFileSync(join(fixtures, `${name}.ndjson`), lines.join('\n') + '\n');
  console.log(`${name}: ${lines.length} lines, status ${report.status}`);
}

const rehearse = (options: RehearsalOptions, onEvent: (e: ChildEvent) => void) => startRehearsal(options, onEvent).done;

async function main(): Promise<void> {
  // @ts-expect-error: a plain .mjs script without types
  const { makeDemoDb } = (await import('../../scripts/make-demo-db.mjs')) as { makeDemoDb(file: string, users: number): number };
  const demo = join(temp, 'app.db');
  makeDemoDb(demo, 60_000);
  const visits = join(temp, 'visits.db');
  makeDemoDb(visits, 200);
  const db = new Database(visits);
  db.exec('ALTER TABLE users ADD COLUMN visits INTEGER NOT NULL DEFAULT 0');
  db.close();

  const only = process.argv.slice(2);
  const wanted = (name: string) => only.length === 0 || only.includes(name);
  // eachBatch with a count: a determinate bar, an ETA, one short transaction per batch; and an ETA for a production ten times bigger.
  if (wanted('batched')) await record('batched', 'examples/rehearsal/backfill-batched.ts', rehearse, { snapshot: demo, productionRows: new Map([['users', 600_000]]) });
  // One read, then every update in one transaction: no total (indeterminate), one long transaction.
  if (wanted('unbatched')) await record('unbatched', 'examples/rehearsal/backfill-unbatched.ts', rehearse, { snapshot: demo });
  // Logs per batch and throws in the fourth: the error's stack points at the fixture script.
  if (wanted('failed')) await record('failed', 'test/panel/fixtures/scripts/fail-halfway.ts', rehearse, { snapshot: demo });
  // The resume check on a script that is not idempotent: kill points, and a table that differs.
  // The unbatched backfill under a simulated site (--site-load): site samples from a baseline
  // window before the script, and the site's writes waiting for the script's one long transaction.
  const siteLoad = { siteLoad: { rate: 200, writeRatio: 0.5, baselineMs: 600, seed: 7 } } as Partial<RehearsalOptions>;
  if (wanted('site-load')) await record('site-load', 'examples/rehearsal/backfill-unbatched.ts', rehearse, { snapshot: demo, ...siteLoad });
  if (wanted('resume-check')) await record('resume-check', 'test/panel/fixtures/scripts/count-visits.ts', (options, onEvent) => runResumeCheck(options, { kills: 2, seed: 7 }, onEvent), { snapshot: visits });
}

main().finally(() => rmSync(temp, { recursive: true, force: true }));
