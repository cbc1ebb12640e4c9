// Shared by the site-load tests: the site process's pid from the child's log, whether a process
// is still running (a zombie is not), and the CLI run with captured output.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runRehearseCommand } from '../../server/src/rehearsal/cli-rehearse';
import type { ChildEvent } from '../../server/src/rehearsal/protocol';

/** The site process's pid, from the child's "site load: process N" line. */
export function sitePid(events: ChildEvent[]): number {
  for (const e of events) {
    const match = e.type === 'log' ? /site load: process (\d+) sends/.exec(e.line) : null;
    if (match) return Number(match[1]);
  }
  assert.fail(`no site process was announced: ${JSON.stringify(events.filter((e) => e.type === 'log'))}`);
}

/** Whether the process runs (a zombie waiting to be reaped has ended: it holds no connection). */
export function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => (text += chunk));
  return { stream, text: () => text };
}

export async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const code = await runRehearseCommand(args, { stdout: stdout.stream, stderr: stderr.stream, cwd });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

/** The script's log lines that are JSON objects (what the test scripts report about themselves). */
export function scriptJson<T>(events: ChildEvent[]): T[] {
  return events.flatMap((e) => (e.type === 'log' && e.stream === 'script' && e.line.startsWith('{') ? [JSON.parse(e.line) as T] : []));
}
