// Shared set-up for the rehearsal tests: a throw-away workspace with a small SQLite or PGlite
// database, checksums of the source, and a runner that collects the child's events.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import Database from 'better-sqlite3';
import { findEvolveRoot, startRehearsal, type RehearsalOptions, type RehearsalRun } from '../../server/src/rehearsal/engine';
import type { ChildEvent, RehearsalReport } from '../../server/src/rehearsal/protocol';

const childScript = join(findEvolveRoot(), 'dist', 'rehearsal-child.js');
if (!existsSync(childScript)) throw new Error(`${childScript} is missing: run npm run build before the rehearsal tests.`);

export interface Workspace {
  dir: string;
  /** Private temp root for this test's snapshot folders, to check that none are left behind. */
  tempRoot: string;
  write(name: string, text: string): string;
}

export function workspace(t: TestContext): Workspace {
  const root = mkdtempSync(join(tmpdir(), 'evolve-rehearsal-test-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const dir = join(root, 'ws');
  const tempRoot = join(root, 'tmp');
  mkdirSync(dir);
  mkdirSync(tempRoot);
  return {
    dir,
    tempRoot,
    write(name, text) {
      const file = join(dir, name);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

/** A SQLite database with `users(id, name, email, display)`; returns its path. */
export function seedSqlite(file: string, users: number): string {
  const db = new Database(file);
  db.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT, display TEXT)');
  const insert = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= users; i++) insert.run(`user ${i}`, `user${i}@example.com`);
  })();
  db.close();
  return file;
}

/** SHA-256 of a file, or of every file in a folder (names and contents). */
export function checksum(path: string): string {
  const hash = createHash('sha256');
  const add = (p: string) => {
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) add(join(p, name));
    } else {
      hash.update(p.slice(path.length)).update(readFileSync(p));
    }
  };
  add(path);
  return hash.digest('hex');
}

export interface Rehearsal {
  run: RehearsalRun;
  events: ChildEvent[];
  report: Promise<RehearsalReport>;
  /** Resolves on the first event that matches. */
  when(match: (e: ChildEvent) => boolean): Promise<ChildEvent>;
}

/**
 * Starts a rehearsal in the workspace. Every run also checks the rule the whole feature rests on:
 * when the snapshot source is a file or folder of the workspace, it is byte-identical afterwards.
 */
export function rehearse(ws: Workspace, options: Omit<RehearsalOptions, 'workspace'>): Rehearsal {
  const source = options.snapshot ? join(ws.dir, options.snapshot) : null;
  const sourceBefore = source && existsSync(source) ? checksum(source) : null;
  const events: ChildEvent[] = [];
  const waiters: { match: (e: ChildEvent) => boolean; resolve: (e: ChildEvent) => void }[] = [];
  const run = startRehearsal({ workspace: ws.dir, tempRoot: ws.tempRoot, ...options }, (event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  const report = run.done.then((r) => {
    if (source && sourceBefore !== null) assert.equal(checksum(source), sourceBefore, `${source} changed during the rehearsal`);
    return r;
  });
  return {
    run,
    events,
    report,
    when: (match) => {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
  };
}

/** Snapshot folders left in the test's temp root (there should be none after a run without --keep). */
export function leftovers(ws: Workspace): string[] {
  return readdirSync(ws.tempRoot);
}
