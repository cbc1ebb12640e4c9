// Fault: a script prints 100 MB (a console.log per row, a 10 MB line without an end, a flood of
// log() calls). The rehearsal finishes, the pipes never stall it, and what reaches the listener (CLI,
// language server, panel) is bounded: lines cut at MAX_LINE_CHARS, a burst then a steady rate, and
// every line not shown is counted in a note. Bounds are checked by counting events, not by timing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import test from 'node:test';
import { boundedLines, LOG_BURST, LOG_LINES_PER_SECOND, LogLimiter, MAX_LINE_CHARS } from '../../server/src/rehearsal/child-output';
import type { ChildEvent } from '../../server/src/rehearsal/protocol';
import { rehearse, seedSqlite, workspace } from './helpers';
import { assertGroupGone, assertNoWorkDir, cliRehearse } from './fault-helpers';

const STDOUT_LINES = 1_000_000;
const LOG_CALLS = 100_000;
const FLOOD = `module.exports = async ({ log }) => {
  process.stdout.write('y'.repeat(10 * 1024 * 1024) + '\\n');
  const row = 'x'.repeat(99);
  for (let i = 0; i < ${STDOUT_LINES}; i++) console.log(row);
  for (let i = 0; i < ${LOG_CALLS}; i++) log('row', i);
};
`;
const NOTE = /^evolve: ([\d,]+) lines of output not shown \(more than \d+ at once or \d+ a second\); the script goes on$/;

function tally(events: ChildEvent[]) {
  const logs = events.filter((e): e is Extract<ChildEvent, { type: 'log' }> => e.type === 'log');
  const notes = logs.filter((e) => NOTE.test(e.line));
  return {
    logs: logs.length,
    shown: logs.length - notes.length,
    dropped: notes.reduce((sum, e) => sum + Number(NOTE.exec(e.line)![1].replace(/,/g, '')), 0),
    chars: logs.reduce((sum, e) => sum + e.line.length, 0),
    longest: Math.max(...logs.map((e) => e.line.length)),
    firstStdout: logs.find((e) => e.stream === 'stdout')?.line ?? '',
  };
}

/** What the limiter may pass in `ms`: the burst, the rate over the time, and one note per line passed. */
const allowed = (ms: number) => 2 * (LOG_BURST + Math.ceil((ms / 1000) * LOG_LINES_PER_SECOND));

test('100 MB of script output: the run finishes, every line is shown or counted, what is relayed is bounded', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('flood.js', FLOOD);
  const started = performance.now();
  const rehearsal = rehearse(ws, { script: 'flood.js', snapshot: 'app.db' });
  const report = await rehearsal.report;
  const ms = performance.now() - started;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  const seen = tally(rehearsal.events);
  assert.equal(seen.shown + seen.dropped, 1 + STDOUT_LINES + LOG_CALLS, 'each line shown or counted as not shown');
  assert.ok(seen.logs <= allowed(ms), `log events relayed: ${seen.logs} in ${Math.round(ms)} ms`);
  assert.ok(seen.longest <= MAX_LINE_CHARS + 40, `longest line relayed: ${seen.longest}`);
  // The 10 MB line came first on stdout, in the burst: shown, cut (fd 3's log() lines may come before it).
  assert.ok(seen.firstStdout === `${'y'.repeat(MAX_LINE_CHARS)}… (${10 * 1024 * 1024 - MAX_LINE_CHARS} more characters)`, seen.firstStdout.slice(-60));
  t.diagnostic(`${seen.shown} lines shown, ${seen.dropped} counted as not shown, ${seen.chars} characters relayed in ${Math.round(ms)} ms`);
  assertGroupGone(rehearsal.run.child.pid);
  assertNoWorkDir(ws);
});

test('evolve rehearse with 100 MB of script output: OK, and its own output stays small', async (t) => {
  const ws = workspace(t);
  seedSqlite(join(ws.dir, 'app.db'), 5);
  ws.write('flood.js', FLOOD);
  const started = performance.now();
  const { code, stdout, stderr } = await cliRehearse(ws, ['flood.js', '--snapshot', 'app.db']);
  const ms = performance.now() - started;
  assert.equal(code, 0, stdout);
  assert.match(stdout, /Rehearsal of flood\.js: OK/);
  assert.match(stderr, /evolve: [\d,]+ lines of output not shown/);
  assert.ok(stderr.length <= allowed(ms) * (MAX_LINE_CHARS + 50), `${stderr.length} characters on stderr in ${Math.round(ms)} ms`);
  assertNoWorkDir(ws);
});

test('the limiter: a burst, then the rate; a note before the next line shown and at the end', () => {
  let now = 0;
  const out: string[] = [];
  const limiter = new LogLimiter((e) => out.push(e.line), () => now);
  for (let i = 0; i < LOG_BURST + 500; i++) limiter.log({ type: 'log', stream: 'stdout', line: `a${i}` });
  assert.equal(out.length, LOG_BURST);
  now += 1000;
  for (let i = 0; i < LOG_LINES_PER_SECOND + 7; i++) limiter.log({ type: 'log', stream: 'script', line: `b${i}` });
  assert.equal(out[LOG_BURST], `evolve: 500 lines of output not shown (more than ${LOG_BURST} at once or ${LOG_LINES_PER_SECOND} a second); the script goes on`);
  assert.equal(out.length, LOG_BURST + 1 + LOG_LINES_PER_SECOND);
  limiter.flush();
  assert.match(out.at(-1)!, /^evolve: 7 lines of output not shown/);
  assert.equal(limiter.dropped, 507);
});

test('lines are cut at MAX_LINE_CHARS, also a line without an end, split anywhere in a UTF-8 character', async () => {
  const stream = new PassThrough();
  const lines: string[] = [];
  boundedLines(stream, (line) => lines.push(line));
  const long = 'é'.repeat(MAX_LINE_CHARS + 10);
  const bytes = Buffer.from(`short\r\n${long}\n${'z'.repeat(3 * MAX_LINE_CHARS)}`);
  for (let i = 0; i < bytes.length; i += 7) stream.write(bytes.subarray(i, i + 7));
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve));
  assert.deepEqual(lines, ['short', `${'é'.repeat(MAX_LINE_CHARS)}… (10 more characters)`, `${'z'.repeat(MAX_LINE_CHARS)}… (${2 * MAX_LINE_CHARS} more characters)`]);
});
