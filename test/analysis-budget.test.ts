// The analysis budget counts the analysing thread's CPU time (semantics/budget.ts): while another
// thread of the process burns CPU (a lint worker, V8's compiler), the clock of a thread that waits
// does not move, where the process's clock would, and would make files give up sooner under
// `evolve lint --threads N` than alone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { checkBudget, CPU_MARK_STALE_MS, cpuMs, withBudget } from '../server/src/core/semantics/budget';

const threadClock = existsSync('/proc/thread-self/stat') || 'threadCpuUsage' in process;

test('the budget clock is the thread’s: another thread’s CPU time does not count', { skip: threadClock ? false : 'no per-thread CPU clock here (neither /proc/thread-self nor process.threadCpuUsage)' }, async () => {
  const done = new Int32Array(new SharedArrayBuffer(4));
  // The worker burns 300 ms of its own CPU time (whatever the machine's load), read from its own clock.
  const worker = new Worker(
    `const { workerData } = require('node:worker_threads');
     const { readFileSync } = require('node:fs');
     const own = () => {
       if (process.threadCpuUsage) { const u = process.threadCpuUsage(); return (u.user + u.system) / 1000; }
       const f = readFileSync('/proc/thread-self/stat', 'latin1');
       const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
       return (Number(fields[11]) + Number(fields[12])) * 10;
     };
     const start = own();
     const end = Date.now() + 20000;
     let x = 0;
     while (own() - start < 300 && Date.now() < end) for (let i = 0; i < 1e5; i++) x += Math.sqrt(x + i);
     Atomics.store(workerData, 0, 1);
     Atomics.notify(workerData, 0);`,
    { eval: true, workerData: done },
  );
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const thread = cpuMs();
  const processStart = process.cpuUsage();
  // Blocks this thread (no CPU) until the worker has burnt its 300 ms.
  Atomics.wait(done, 0, 0, 30_000);
  const threadMs = cpuMs() - thread;
  const { user, system } = process.cpuUsage(processStart);
  const processMs = (user + system) / 1000;
  await exited;
  assert.equal(Atomics.load(done, 0), 1, 'the worker finished spinning');
  assert.ok(processMs - threadMs >= 250, `the worker's CPU time shows in the process's clock (${processMs} ms) and not in this thread's (${threadMs} ms)`);
  assert.ok(threadMs < 50, `this thread waited, so its clock barely moved: ${threadMs} ms`);
});

test('withBudget gives up once this thread has spent its budget of CPU time, not before', () => {
  const started = cpuMs();
  assert.throws(
    () =>
      withBudget(200, () => {
        // Busy, as the hot walks are, checking the budget on every step.
        for (;;) {
          checkBudget();
          if (cpuMs() - started > 5000) throw new Error('never gave up');
        }
      }),
    /exceeded its budget of 200 ms/,
  );
  const spent = cpuMs() - started;
  // Its start is read from a mark up to CPU_MARK_STALE_MS old, and the clock moves in 10 ms steps.
  assert.ok(spent >= 200 - CPU_MARK_STALE_MS - 10, `gave up after ${spent} ms of this thread's CPU time: its budget, less the start mark's staleness`);
});
