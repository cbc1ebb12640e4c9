// Entry of the rehearsal child (bundled to dist/rehearsal-child.js and run by the user's Node with
// the workspace as cwd). Everything that touches a database happens here, never in the parent.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { RehearsalStatus, StartCommand } from '../protocol';
import { readCommands, sendEvent } from './channel';
import { withCleanupFailures } from './cleanup-failures';
import { dropScratchDatabase } from './drop-scratch';
import { buildReport } from './report';
import { rehearse, type RunState } from './rehearse';

process.setSourceMapsEnabled(true);
const ownFile = __filename;
// The script may replace process.exit (rehearse.ts does, to notice a script that exits early).
const exit = process.exit.bind(process);
const parentPid = process.ppid;
let start: StartCommand | null = null;
const abort = new AbortController();
let stopReason: RehearsalStatus | null = null;
const state: RunState = { tracer: null, snapshot: null, locks: null, before: new Map(), after: null, openAtExit: 0, scriptStartedAt: null, site: null, cleanup: [], finalize: [] };

/** Drops the postgres scratch database (once), whatever ended the run; returns what failed. */
async function finalize(): Promise<unknown[]> {
  const failures: unknown[] = [];
  for (const step of state.finalize.splice(0)) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  return failures;
}

/** The parent is gone: nobody reads the report, so stop now and leave nothing behind. */
function parentGone(): void {
  if (start && !start.keep) rmSync(start.workDir, { recursive: true, force: true });
  void finalize().finally(() => exit(1));
}

/**
 * Waits until the script's output has reached the parent. Writes to a pipe are asynchronous: what
 * the script printed last (or everything, after one big write) is still queued, and exit drops it.
 */
function flushOutput(): Promise<unknown> {
  return Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
}

function checkParent(): void {
  if (process.ppid !== parentPid) parentGone();
}

async function main(command: StartCommand): Promise<void> {
  let status: RehearsalStatus = 'ok';
  let error: unknown = null;
  try {
    await rehearse(command, state, { signal: abort.signal, checkParent });
  } catch (thrown) {
    error = thrown;
    status = 'failed';
  }
  if (stopReason && status === 'ok') status = stopReason;
  if (stopReason && status === 'failed' && abort.signal.aborted) status = stopReason;
  if (state.tracer?.fenceViolation) [status, error] = ['failed', state.tracer.fenceViolation];
  const durationMs = state.scriptStartedAt === null ? 0 : (state.scriptEndedAt ?? performance.now()) - state.scriptStartedAt;
  // Before the report: when the parent hears `finished`, the scratch database is already gone.
  const leftovers = await finalize();
  if (leftovers.length) [status, error] = ['failed', withCleanupFailures(error, leftovers)];
  const report = buildReport(
    {
      status,
      script: command.script,
      engine: command.engine,
      sourceLabel: command.sourceLabel,
      snapshot: state.snapshot,
      keep: command.keep,
      durationMs,
      tracer: state.tracer,
      openAtExit: state.openAtExit,
      before: state.before,
      after: state.after,
      locks: state.locks,
      error,
    },
    ownFile,
  );
  if (state.site) report.site = state.site;
  await flushOutput();
  sendEvent({ type: 'finished', report });
  if (command.keep) {
    // A kept snapshot must be complete on disk: close PGlite and the socket server properly.
    for (const step of state.cleanup.reverse()) {
      try {
        await step();
      } catch {
        /* best effort: the report is already sent */
      }
    }
  } else if (command.engine === 'pglite') {
    // PGlite's WebAssembly teardown makes a normal exit take seconds. Nothing is left to flush (the
    // output is, the report is sent) and the parent removes the snapshot: end at once.
    process.kill(process.pid, 'SIGKILL');
  }
  exit(0);
}

readCommands((command) => {
  if (command.type === 'drop-scratch') {
    if (start) return;
    void dropScratchDatabase(command).then(
      () => exit(0),
      () => exit(1),
    );
  } else if (command.type === 'start') {
    if (start) return;
    start = command;
    void main(command);
  } else if (!stopReason) {
    stopReason = command.reason;
    // evolve-runtime stops after its current batch on SIGINT, as it would under Ctrl-C. Emitting
    // the event (not sending the signal) reaches its listener without Node's default exit. It goes
    // first: the runtime treats a SIGINT after an abort as a second, "stop now" request.
    process.emit('SIGINT', 'SIGINT');
    abort.abort(new Error(`Rehearsal ${command.reason === 'timeout' ? 'timed out' : 'cancelled'}`));
  }
}, parentGone);
