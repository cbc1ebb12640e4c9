// The child's end of `--site-load`: starts the site process (dist/rehearsal-site.js, the child's
// own Node, its own connections to the snapshot), waits for its baseline window, tells it when
// the script starts, and collects its two windows after the script ends. The site process is in
// the child's process group and exits when the child's pipe to it closes, so a cancel, a kill or
// a crash of the child ends it too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { SiteReport, SiteWindowStats, StartCommand } from '../protocol';
import type { SiteReply, SiteStartCommand } from '../site/messages';
import { sendEvent } from './channel';

const STDERR_TAIL_LINES = 10;
/** The site drains its requests in flight for up to 2 s before it reports; this covers that and its exit. */
const REPORT_WAIT_MS = 5000;

export class SiteLoadError extends Error {
  override name = 'RehearsalSetupError';
}

export interface SiteHandle {
  readonly pid: number;
  /** The script starts now: the run window begins. */
  run(): void;
  /** The script ended: the site's report, or null when the site could not give one (a log line says why). */
  stop(): Promise<SiteReport | null>;
  kill(): void;
}

export async function startSiteLoad(command: StartCommand, target: string, signal: AbortSignal): Promise<SiteHandle> {
  const options = command.siteLoad;
  if (!options) throw new SiteLoadError('site load: no options.');
  if (command.engine === 'pglite') throw new SiteLoadError('--site-load needs SQLite or PostgreSQL: PGlite serves a single connection, so a site cannot run beside the script.');
  const entry = join(command.evolveRoot, 'dist', 'rehearsal-site.js');
  if (!existsSync(entry)) throw new SiteLoadError(`${entry} is missing: build Evolve first (npm run build).`);
  const sampleFd = command.siteSampleFd;
  const child = spawn(process.execPath, [entry], {
    cwd: command.workspace,
    stdio: ['pipe', 'pipe', 'pipe', sampleFd ?? 'ignore'],
  });
  const replies: SiteReply[] = [];
  const waiters = new Set<() => void>();
  const stderrTail: string[] = [];
  let exited: string | null = null;
  const wake = () => waiters.forEach((w) => w());
  createInterface({ input: child.stdout as Readable }).on('line', (line) => {
    let reply: SiteReply;
    try {
      reply = JSON.parse(line) as SiteReply;
    } catch {
      return sendEvent({ type: 'log', stream: 'stderr', line: `site: ${line}` });
    }
    if (reply.type === 'sample') return sendEvent({ type: 'site-sample', sample: reply.sample });
    if (reply.type === 'log') return sendEvent({ type: 'log', stream: 'stderr', line: `evolve: ${reply.line}` });
    replies.push(reply);
    wake();
  });
  createInterface({ input: child.stderr as Readable }).on('line', (line) => {
    stderrTail.push(line) > STDERR_TAIL_LINES && stderrTail.shift();
    sendEvent({ type: 'log', stream: 'stderr', line: `site: ${line}` });
  });
  child.on('error', (error) => ((exited = `could not start: ${error.message}`), wake()));
  child.on('exit', (code, sig) => ((exited = sig ? `signal ${sig}` : `exit code ${code}`), wake()));
  const stdin = child.stdin as Writable;
  stdin.on('error', () => undefined);
  const send = (message: object) => {
    if (exited === null) stdin.write(JSON.stringify(message) + '\n');
  };
  const kill = () => {
    if (exited === null) child.kill('SIGKILL');
  };

  /** The first reply of `type`; an error reply, the site's exit or a cancel rejects. */
  const next = <T extends SiteReply['type']>(type: T, timeoutMs?: number): Promise<Extract<SiteReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      const check = () => {
        const error = replies.find((r) => r.type === 'error');
        const found = replies.find((r) => r.type === type);
        let failure: string | null = null;
        if (found) resolve(found as Extract<SiteReply, { type: T }>);
        else if (error?.type === 'error') failure = error.message;
        else if (exited !== null) failure = `site load: the site process ended (${exited}) before it was ${type === 'report' ? 'done' : 'ready'}.${stderrTail.length ? `\n${stderrTail.join('\n')}` : ''}`;
        else if (signal.aborted && type !== 'report') failure = 'site load: the rehearsal was stopped before the script started.';
        else if (late) failure = `site load: the site process gave no ${type} within ${timeoutMs} ms.`;
        else return;
        waiters.delete(check);
        clearTimeout(timer);
        signal.removeEventListener('abort', check);
        if (failure !== null) reject(new SiteLoadError(failure));
      };
      waiters.add(check);
      signal.addEventListener('abort', check);
      if (timeoutMs) timer = setTimeout(() => ((late = true), check()), timeoutMs);
      check();
    });

  const start: SiteStartCommand = {
    type: 'start',
    engine: command.engine as 'sqlite' | 'postgres',
    target,
    options,
    script: command.script,
    workspace: command.workspace,
    evolveRoot: command.evolveRoot,
    sampleFd: sampleFd !== undefined,
  };
  send(start);
  let tables: string[];
  try {
    const ready = await next('ready');
    tables = ready.tables;
    sendEvent({
      type: 'log',
      stream: 'stderr',
      line: `evolve: site load: process ${ready.pid} sends ${options.rate} requests/s to ${tables.join(', ')} over ${ready.connections} connections of its own; baseline ${options.baselineMs} ms before the script`,
    });
    await next('baseline-done');
  } catch (error) {
    kill();
    throw error;
  }
  return {
    pid: child.pid as number,
    run: () => send({ type: 'run' }),
    async stop() {
      send({ type: 'stop' });
      try {
        const report = await next('report', REPORT_WAIT_MS);
        return { ...siteReport(options, tables, report.baseline, report.run), pid: child.pid as number };
      } catch (error) {
        sendEvent({ type: 'log', stream: 'stderr', line: `evolve: ${(error as Error).message}` });
        return null;
      } finally {
        kill();
      }
    },
    kill,
  };
}

function siteReport(options: NonNullable<StartCommand['siteLoad']>, tables: string[], baseline: SiteWindowStats, run: SiteWindowStats): SiteReport {
  const { busyTimeoutMs, lockTimeoutMs, statementTimeoutMs } = options;
  return { rate: options.rate, tables, timeouts: { busyTimeoutMs, lockTimeoutMs, statementTimeoutMs }, baseline, run, maxP99Ms: null };
}
