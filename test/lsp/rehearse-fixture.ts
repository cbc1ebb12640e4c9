// A workspace for rehearsals over the LSP: a real SQLite database, evolve.config.json naming it as
// a snapshot, the batched example script, and a script that only a cancel can stop. The servers
// started by these tests put their snapshot folders in a private TMPDIR, checked empty afterwards.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import type { RehearsalEventParams, RehearsalFinishedParams } from '../../server/src/lsp/protocol';
import { LspClient, REPO, capabilities, uriOf } from './harness';

const workspacesRoot = tmpdir();
/** Where the servers' rehearsals make their work folders (they inherit this TMPDIR). */
export const serverTmp = realpathSync(mkdtempSync(join(workspacesRoot, 'evolve-lsp-rehearse-tmp-')));
process.env.TMPDIR = serverTmp;
process.on('exit', () => rmSync(serverTmp, { recursive: true, force: true }));

export const USERS = 3000;
/** What the waits-for-cancel script logs once it is waiting inside its second batch. */
export const WAITING_LINE = 'batch 2 is waiting for a cancel';

/** Keyset batches of 10 that stop only when cancelled: the second batch waits (and says so) until then. */
const WAITS_FOR_CANCEL = `import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';

export default async function waitsForCancel({ db, signal }: { db: Database.Database; signal: AbortSignal }) {
  const page = db.prepare('SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE users SET display_name = first_name WHERE id = ?');
  let batches = 0;
  await eachBatch(
    { adapter: betterSqlite3Adapter(db), name: 'waits', size: 10, signal, checkpoint: false,
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as { id: number }[], key: (u) => u.id },
    async (rows) => {
      for (const u of rows) update.run(u.id);
      if (++batches < 2 || signal.aborted) return;
      console.log(\`${WAITING_LINE}\`);
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    },
  );
}
`;

export interface RehearseWorkspace {
  dir: string;
  db: string;
  /** examples/rehearsal/backfill-batched.ts, copied into scripts/. */
  batched: string;
  waits: string;
}

export function rehearseWorkspace(t: TestContext): RehearseWorkspace {
  const dir = realpathSync(mkdtempSync(join(workspacesRoot, 'evolve-lsp-rehearse-ws-')));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const db = join(dir, 'app.db');
  const sqlite = new Database(db);
  sqlite.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL, display_name TEXT)');
  const insert = sqlite.prepare('INSERT INTO users (first_name, last_name) VALUES (?, ?)');
  sqlite.transaction(() => {
    for (let i = 1; i <= USERS; i++) insert.run(`First${i}`, `Last${i}`);
  })();
  sqlite.close();
  mkdirSync(join(dir, 'scripts'));
  const batched = join(dir, 'scripts/backfill-batched.ts');
  cpSync(join(REPO, 'examples/rehearsal/backfill-batched.ts'), batched);
  const waits = join(dir, 'scripts/waits-for-cancel.ts');
  writeFileSync(waits, WAITS_FOR_CANCEL);
  writeFileSync(
    join(dir, 'evolve.config.json'),
    JSON.stringify({
      snapshots: {
        nightly: { source: './app.db' },
        staging: { engine: 'postgres', source: 'postgres://admin:hunter2@db.internal:5432/app' },
        gone: { source: './missing.db' },
      },
    }),
  );
  return { dir, db, batched, waits };
}

/** Work folders the servers' rehearsals left in their TMPDIR (none once every run has ended). */
export const leftWorkDirs = () => readdirSync(serverTmp).filter((name) => name.startsWith('evolve-rehearsal-'));

export interface RehearsalMessages {
  events: RehearsalEventParams[];
  finished: RehearsalFinishedParams[];
  /** Resolves on the first event (already received or to come) that matches. */
  event(match: (e: RehearsalEventParams) => boolean): Promise<RehearsalEventParams>;
}

/** Records evolve/rehearsalEvent and evolve/rehearsalFinished notifications. */
export function recordRehearsals(client: LspClient): RehearsalMessages {
  const events: RehearsalEventParams[] = [];
  const finished: RehearsalFinishedParams[] = [];
  const waiters: { match: (e: RehearsalEventParams) => boolean; resolve: (e: RehearsalEventParams) => void }[] = [];
  client.connection.onNotification('evolve/rehearsalEvent', (p: RehearsalEventParams) => {
    events.push(p);
    for (const w of waiters.filter((w) => w.match(p))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(p);
    }
  });
  client.connection.onNotification('evolve/rehearsalFinished', (p: RehearsalFinishedParams) => {
    finished.push(p);
  });
  return {
    events,
    finished,
    event: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      const waiting = new Promise<RehearsalEventParams>((resolve) => waiters.push({ match, resolve }));
      return bounded(waiting, () => `no matching evolve/rehearsalEvent; last received: ${JSON.stringify(events.slice(-3))}`);
    },
  };
}

/** A bound on waiting for the server (the wait ends as soon as the message comes), so a missing message fails with what came. */
export function bounded<T>(waiting: Promise<T>, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const failed = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(describe())), 90_000)));
  return Promise.race([waiting, failed]).finally(() => clearTimeout(timer));
}

/** A server on the workspace (no workspace scan: these tests are about rehearsals). */
export async function startServer(t: TestContext, dir: string, initializationOptions?: Record<string, unknown>, caps = capabilities()) {
  const { client, init } = await LspClient.start(dir, caps, { scanWorkspace: false }, initializationOptions);
  t.after(() => client.kill());
  return { client, init, rehearsals: recordRehearsals(client) };
}

export { uriOf };
