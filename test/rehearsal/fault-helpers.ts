// Shared set-up for the rehearsal fault tests: a small real filesystem to fill (tmpfs, root only),
// the real CLI (`node bin/evolve.js rehearse`) in a child process, and the checks every fault case
// ends with: no work folder and no rehearsal process left behind.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import { findEvolveRoot } from '../../server/src/rehearsal/engine';
import type { RehearsalReport } from '../../server/src/rehearsal/protocol';
import type { Workspace } from './helpers';

/**
 * A tmpfs of `size` (as mount's size=, e.g. "1m") mounted for this test, or why it cannot be: a
 * full disk for real, not an injected error. Mounting needs root (CI runs as root).
 */
export interface SmallDisk {
  dir: string;
  /** Runs before the disk is unmounted after the test (a server with files on it must stop first). */
  beforeUnmount(step: () => void): void;
}

export function smallDisk(t: TestContext, size: string): SmallDisk | { skip: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'evolve-faults-')), `disk-${size}`);
  mkdirSync(dir);
  // Others (a private cluster's postgres user) may be given the disk: the folder above must let them in.
  chmodSync(dirname(dir), 0o755);
  let mounted = false;
  const steps: (() => void)[] = [];
  t.after(() => {
    for (const step of steps) step();
    if (mounted) execFileSync('umount', [dir]);
    rmSync(dirname(dir), { recursive: true, force: true });
  });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    mounted = true;
  } catch (error) {
    // Skipped even in CI: mounting is a privilege of the machine, not something the project sets up.
    return { skip: `cannot mount a ${size} tmpfs to fill (${String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim()}): run as root to try a full disk` };
  }
  return { dir, beforeUnmount: (step) => steps.push(step) };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/evolve.js rehearse ...args` in the workspace, its temp folder the test's temp root. */
export function cliRehearse(ws: Workspace, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const bin = join(findEvolveRoot(), 'bin', 'evolve.js');
  const child = spawn(process.execPath, [bin, 'rehearse', ...args], { cwd: ws.dir, env: { ...process.env, TMPDIR: ws.tempRoot, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Live processes in a process group: from /proc, leaving out zombies (ended, waiting to be reaped by init). */
function liveMembers(group: number): string[] {
  const members: string[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === group && state !== 'Z') members.push(`${name} ${stat.slice(stat.indexOf('('), stat.lastIndexOf(')') + 1)}`);
  }
  return members;
}

/** The rehearsal child's process group (its pid: the child is a group leader) has no live process left. */
export function assertGroupGone(pid: number | undefined): void {
  assert.ok(pid, 'the child was started');
  assert.deepEqual(liveMembers(pid), [], `process group ${pid} of the rehearsal child has no process left`);
}

/** No work folder, snapshot or bundle is left in the test's temp root. */
export function assertNoWorkDir(ws: Workspace, where = ws.tempRoot): void {
  assert.deepEqual(
    readdirSync(where).filter((name) => name.startsWith('evolve-rehearsal-')),
    [],
    `nothing left in ${where}`,
  );
}

/** The report's error message (a failed run must have one). */
export function failure(report: RehearsalReport): string {
  assert.equal(report.status, 'failed', `the run failed (report: ${JSON.stringify(report.error)})`);
  assert.ok(report.error?.message, 'with an error message');
  return report.error.message;
}
