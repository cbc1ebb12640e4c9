// When a postgres rehearsal's child is killed (a script that ignored the cancel past the grace
// period, a crash) it cannot drop its scratch database. The parent, which never loads a driver,
// starts a fresh child to do it; should that fail too, the next rehearsal's sweep drops it.
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import type { DropScratchCommand, StartCommand } from './protocol';

const DROP_TIMEOUT_MS = 15_000;

/** Drops the scratch database named in the snapshot-ready event's (redacted) URL, if there was one. */
export function dropLeftScratch(nodePath: string, childScript: string, start: StartCommand, snapshotUrl: string | null): Promise<void> {
  if (start.engine !== 'postgres' || !snapshotUrl) return Promise.resolve();
  let database: string;
  try {
    database = decodeURIComponent(new URL(snapshotUrl).pathname.slice(1));
  } catch {
    return Promise.resolve();
  }
  const command: DropScratchCommand = { type: 'drop-scratch', server: start.target ?? start.source, database, workspace: start.workspace, evolveRoot: start.evolveRoot };
  return new Promise((resolve) => {
    const child = spawn(nodePath, [childScript], { cwd: start.workspace, stdio: ['pipe', 'ignore', 'ignore', 'ignore'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), DROP_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      (child.stdin as Writable).destroy();
      resolve();
    };
    child.on('error', done);
    child.on('close', done);
    (child.stdin as Writable).on('error', () => undefined);
    // stdin stays open: the child takes its closing as "the parent is gone" and would stop early.
    (child.stdin as Writable).write(JSON.stringify(command) + '\n');
  });
}
