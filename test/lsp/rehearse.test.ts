// workspace/executeCommand "evolve.rehearse" over a real JSON-RPC connection to dist/server.js, as
// any LSP editor would send it: a real rehearsal child on a real SQLite snapshot, its events as
// notifications, work-done progress, cancellation three ways, Restricted Mode and bad arguments.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import { checksum } from '../rehearsal/helpers';
import { leftWorkDirs, rehearseWorkspace, startServer, uriOf, USERS, WAITING_LINE, type RehearsalMessages } from './rehearse-fixture';

interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
  cancellable?: boolean;
}

const rehearseRequest = (args: Record<string, unknown>, workDoneToken?: string) => ({ command: 'evolve.rehearse', arguments: [args], ...(workDoneToken ? { workDoneToken } : {}) });

const progressOf = (all: unknown[], token: string | number) =>
  (all as { token: string | number; value: ProgressValue }[]).filter((p) => p.token === token).map((p) => p.value);

/** The waits-for-cancel script is inside its second batch and waits there: only a cancel ends it. */
const waiting = (rehearsals: RehearsalMessages, runId: string) =>
  rehearsals.event((e) => e.runId === runId && e.event.type === 'log' && e.event.line.includes(WAITING_LINE));

test('evolve.rehearse runs the batched example on a SQLite snapshot: every event, work-done progress, then the report', async (t) => {
  const ws = rehearseWorkspace(t);
  const sourceBefore = checksum(ws.db);
  const { client, init, rehearsals } = await startServer(t, ws.dir);
  assert.ok(init.capabilities.executeCommandProvider?.commands.includes('evolve.rehearse'));
  assert.ok(init.capabilities.executeCommandProvider?.commands.includes('evolve.cancelRehearsal'));
  const uri = uriOf(ws.batched);

  const report = (await client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, runId: 'run-1', snapshot: 'nightly' }, 'progress-1'))) as RehearsalReport;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.batches, 3, 'three batches of 1,000 users');
  assert.equal(report.snapshot.source, `nightly (${ws.db})`);
  assert.deepEqual(report.tables.find((x) => x.name === 'users'), { name: 'users', rowsBefore: USERS, rowsAfter: USERS });
  // Sent before the response, with the very report the request resolves with.
  assert.deepEqual(rehearsals.finished, [{ runId: 'run-1', uri, report }]);

  const events = rehearsals.events;
  assert.ok(events.every((e) => e.runId === 'run-1' && e.uri === uri && e.atMs >= 0));
  const types = events.map((e) => e.event.type);
  assert.equal(types[0], 'started');
  assert.ok(types.indexOf('snapshot-ready') > 0 && types.includes('progress'), types.join(' '));
  assert.equal(types.at(-1), 'finished');
  // Progress is thinned; transactions never are: one event per transaction the report counts.
  assert.equal(types.filter((x) => x === 'transaction-closed').length, report.transactions.count);
  const batches = events.flatMap((e) => (e.event.type === 'progress' && e.event.runtime?.type === 'batch' ? [e.event.runtime.batch] : []));
  assert.equal(batches.at(-1), 3, 'the last batch (100%) is never merged away');

  const progress = progressOf(client.progress, 'progress-1');
  assert.deepEqual(progress[0], { kind: 'begin', title: 'Rehearsing backfill-batched.ts', message: 'Copying the snapshot…', cancellable: true });
  assert.deepEqual(progress.at(-1), { kind: 'end' });
  const percentages = progress.flatMap((p) => (p.percentage === undefined ? [] : [p.percentage]));
  assert.deepEqual([...percentages].sort((a, b) => a - b), percentages, 'percentages only grow');
  const full = progress.find((p) => p.percentage === 100);
  assert.match(full?.message ?? '', /^3,000 of 3,000 rows/, JSON.stringify(progress));
  assert.ok(progress.some((p) => p.kind === 'report' && p.message === 'running the script…'));

  assert.equal(checksum(ws.db), sourceBefore, 'the source database is never written');
  assert.deepEqual(leftWorkDirs(), [], 'the snapshot folder is removed');
  assert.equal(await client.stop(), 0);
});

test('two runs at once, each cancelled on its own: evolve.cancelRehearsal, $/cancelRequest, and the progress cancel of server-created progress', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client, rehearsals } = await startServer(t, ws.dir);
  const uri = uriOf(ws.waits);
  const send = (args: Record<string, unknown>, token?: string, cancel = new CancellationTokenSource()) =>
    client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, snapshot: 'nightly', ...args }, token), cancel.token) as Promise<RehearsalReport>;

  const byCommand = send({ runId: 'a' }, 'progress-a');
  const byRequestCancel = new CancellationTokenSource();
  const byRequest = send({ runId: 'b' }, 'progress-b', byRequestCancel);
  await Promise.all([waiting(rehearsals, 'a'), waiting(rehearsals, 'b')]);

  assert.equal(await client.connection.sendRequest('workspace/executeCommand', { command: 'evolve.cancelRehearsal', arguments: [{ runId: 'a' }] }), true);
  const a = await byCommand;
  assert.equal(a.status, 'cancelled', JSON.stringify(a.error));
  assert.equal(a.batches, 2, 'stopped after the batch in flight');
  assert.deepEqual(rehearsals.finished.map((f) => f.runId), ['a'], 'run b goes on');
  assert.deepEqual(progressOf(client.progress, 'progress-a').at(-1), { kind: 'end' });

  byRequestCancel.cancel();
  const b = await byRequest;
  assert.equal(b.status, 'cancelled', JSON.stringify(b.error));
  assert.equal(b.batches, 2);

  // No token in the request (e.g. a code lens in Neovim): the server creates progress, and cancelling it stops the run.
  const byProgress = send({ runId: 'c' });
  await waiting(rehearsals, 'c');
  const begin = (client.progress as { token: string; value: ProgressValue }[]).find((p) => p.value.kind === 'begin' && p.value.title === 'Rehearsing waits-for-cancel.ts' && !p.token.startsWith('progress-'));
  assert.ok(begin, 'the server created work-done progress for the run');
  await client.connection.sendNotification('window/workDoneProgress/cancel', { token: begin.token });
  const c = await byProgress;
  assert.equal(c.status, 'cancelled', JSON.stringify(c.error));
  assert.deepEqual(progressOf(client.progress, begin.token).at(-1), { kind: 'end' });

  assert.deepEqual(rehearsals.finished.map((f) => [f.runId, f.report.status]), [['a', 'cancelled'], ['b', 'cancelled'], ['c', 'cancelled']]);
  assert.equal(await client.connection.sendRequest('workspace/executeCommand', { command: 'evolve.cancelRehearsal', arguments: [{ runId: 'a' }] }), false, 'a run that ended');
  assert.deepEqual(leftWorkDirs(), []);
  assert.equal(await client.stop(), 0);
});

test('siteLoad: a simulated site runs beside the script, its samples are relayed and the report has its figures', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client, rehearsals } = await startServer(t, ws.dir);
  const uri = uriOf(ws.batched);
  const report = (await client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, snapshot: 'nightly', siteLoad: 20, maxSiteP99Ms: 60_000 }))) as RehearsalReport;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.site?.rate, 20);
  assert.equal(report.site?.maxP99Ms, 60_000);
  assert.deepEqual(report.site?.tables, ['users'], 'the tables the script touches');
  assert.ok((report.site?.baseline.requests ?? 0) > 0, 'a baseline window before the script');
  assert.ok(rehearsals.events.some((e) => e.event.type === 'site-sample'), 'chart samples reach the client');
  assert.equal(await client.stop(), 0);
});

test('resumeCheck: the kills and reruns of a resume check, with each run counted in the progress', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client } = await startServer(t, ws.dir);
  const uri = uriOf(ws.batched);
  const report = (await client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, snapshot: 'nightly', resumeCheck: 1, seed: 7 }, 'resume'))) as RehearsalReport;
  assert.equal(report.status, 'ok', JSON.stringify(report.error));
  assert.equal(report.resumeCheck?.status, 'pass', JSON.stringify(report.resumeCheck));
  assert.equal(report.resumeCheck?.seed, 7);
  const messages = progressOf(client.progress, 'resume').flatMap((p) => (p.message ? [p.message] : []));
  for (const run of [1, 2, 3]) assert.ok(messages.some((m) => m.startsWith(`Resume check, run ${run} of 3: `)), JSON.stringify(messages));
  assert.deepEqual(leftWorkDirs(), [], 'every snapshot of the check is removed');
  assert.equal(await client.stop(), 0);
});

test('shutdown cancels a running rehearsal and waits until it has cleaned up', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client, rehearsals } = await startServer(t, ws.dir);
  const uri = uriOf(ws.waits);
  const running = client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, runId: 'left', snapshot: 'nightly' }));
  running.catch(() => undefined); // the connection closes before it can be answered
  await waiting(rehearsals, 'left');
  assert.equal(await client.stop(), 0);
  assert.deepEqual(rehearsals.finished.map((f) => [f.runId, f.report.status]), [['left', 'cancelled']], 'reported before the server answered shutdown');
  assert.deepEqual(leftWorkDirs(), []);
});

test('bad arguments and snapshots are InvalidParams errors that say what to do; listSnapshots redacts credentials', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client, rehearsals } = await startServer(t, ws.dir);
  const uri = uriOf(ws.batched);
  const fails = async (args: unknown[], message: RegExp) => {
    await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'evolve.rehearse', arguments: args }), (error: { code: number; message: string }) => {
      assert.equal(error.code, -32602, error.message);
      assert.match(error.message, message);
      return true;
    });
  };
  await fails([{ uri, snapshot: 'nope' }], /No snapshot named "nope" in evolve\.config\.json \(names: nightly, staging, gone\)/);
  await fails([{ uri, snapshot: 'gone' }], /Snapshot "gone" in .*evolve\.config\.json: there is no file or folder at .*missing\.db/);
  await fails([{ uri }], /Several snapshots are configured \(nightly, staging, gone\)/);
  await fails([], /needs one argument, an object such as \{ "uri"/);
  await fails([{ uri: 'untitled:Untitled-1' }], /"uri" must be a file: URI/);
  await fails([{ uri: uriOf(`${ws.dir}/scripts/none.ts`) }], /does not exist \(save it first\)/);
  await fails([{ uri, snapshot: 'nightly', resumeCheck: 0 }], /"resumeCheck" must be a whole number of kills, 1 or more, got 0/);
  await fails([{ uri, snapshot: 'nightly', seed: 3 }], /"seed" applies to "resumeCheck" only/);
  await fails([{ uri, snapshot: 'nightly', engine: 'mysql' }], /"engine" must be "sqlite", "pglite" or "postgres"/);
  await fails([{ uri, snapshot: 'nightly', maxSiteP99Ms: 50 }], /"maxSiteP99Ms" applies to "siteLoad" only/);
  await fails([{ uri, snapshot: 'nightly', siteLoad: 10, resumeCheck: 2 }], /"siteLoad" and "resumeCheck" do not go together/);
  await fails([{ uri, snapshot: 'nightly', siteLoad: -1 }], /"siteLoad" must be a positive number of requests per second/);
  await assert.rejects(client.connection.sendRequest('workspace/executeCommand', { command: 'evolve.cancelRehearsal', arguments: [] }), /needs one argument, \{ "runId"/);
  assert.deepEqual(rehearsals.events, [], 'nothing started');

  const choices = (await client.connection.sendRequest('evolve/listSnapshots', { uri })) as { name: string; problem?: string }[];
  assert.deepEqual(
    choices.map(({ problem, ...choice }) => ({ ...choice, problem: !!problem })),
    [
      { name: 'nightly', label: './app.db', engine: 'sqlite', isDefault: false, problem: false },
      { name: 'staging', label: 'postgres://admin:***@db.internal:5432/app', engine: 'postgres', isDefault: false, problem: false },
      { name: 'gone', label: './missing.db', engine: 'sqlite', isDefault: false, problem: true },
    ],
  );
  assert.match(choices[2].problem ?? '', /no file or folder at .*missing\.db/);
  assert.doesNotMatch(JSON.stringify(choices), /hunter2/);
  assert.equal(await client.stop(), 0);
});

test('Restricted Mode (workspaceTrusted: false): rehearsing is refused with the reason, and no code lens offers it', async (t) => {
  const ws = rehearseWorkspace(t);
  const { client, rehearsals } = await startServer(t, ws.dir, { workspaceTrusted: false });
  const uri = uriOf(ws.batched);
  await assert.rejects(client.connection.sendRequest('workspace/executeCommand', rehearseRequest({ uri, snapshot: 'nightly' })), (error: Error) => {
    assert.match(error.message, /does not rehearse scripts in Restricted Mode: a rehearsal runs the script.*Trust this workspace/);
    return true;
  });
  await client.open(ws.batched, readFileSync(ws.batched, 'utf8'));
  assert.deepEqual(await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } }), []);
  assert.deepEqual(rehearsals.events, []);
  assert.equal(await client.stop(), 0);
});
