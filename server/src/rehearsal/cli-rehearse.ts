// `evolve rehearse <script> [--snapshot SRC] [--engine sqlite|pglite|postgres] [--timeout S] [--keep]
//  [--report FILE] [--json] [--max-transaction-ms N] [--node PATH] [--site-load RATE ...]`
import { writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRehearsal, type RehearsalOptions } from './engine';
import { parseProductionRows } from './eta';
import { runResumeCheck, type ResumeCheckOptions } from './resume-check';
import { progressLine, summary } from './format';
import type { ChildEvent, RehearsalReport } from './protocol';
import { RehearsalConfigError } from './snapshot-source';

export const REHEARSE_USAGE = `Usage: evolve rehearse <script> [options]

Runs the script against a copy (snapshot) of the database in a separate Node process, traces
what it does and reports it. The real database is never opened for writing.

Options:
  --snapshot SRC            A snapshot name from evolve.config.json, a SQLite file, a PGlite data
                            folder or dump (.tar/.tgz), a file:// URL, or a postgres:// URL
                            (cloned into a scratch database) (default: the only configured
                            snapshot, else the one named "default")
  --engine sqlite|pglite|postgres
                            Engine of the snapshot (default: from the config or the source)
  --timeout S               Stop the script after S seconds (exit code 1)
  --keep                    Keep the snapshot after the run (its path is in the report)
  --report FILE             Write the JSON report to FILE
  --json                    Print the JSON report instead of the summary
  --max-transaction-ms N    Exit 1 when a transaction took longer than N ms
  --node PATH               The Node that runs the script (default: node on PATH)
  --resume-check K          Also kill the script K times (SIGKILL at a random committed batch)
                            and rerun it; fail when its end state differs from an uninterrupted run
  --seed N                  Seed of the resume check's kill points (default: random, reported)
  --production FILE         A SQLite production database to count rows in for the ETA (read-only;
                            sqlite_stat1 when ANALYZE has run, else COUNT(*))
  --production-rows T=N,... Production row counts for the ETA (default: the snapshot's counts)
  --site-load RATE          While the script runs, a separate process plays the live site: RATE
                            requests/s of point reads and writes by primary key on its own
                            connections to the snapshot (SQLite or PostgreSQL), measured in a
                            baseline window before the script and during it (config: rehearsal.site)
  --site-tables a,b         Tables the site uses (default: those the script names, else all)
  --site-workload FILE      A recorded workload: weighted SQL statements (see docs/rehearsal.md)
  --max-site-p99-ms N       Exit 1 when the site's p99 latency during the run exceeds N ms
  -h, --help                Show this help

Exit codes: 0 ok; 1 failed, timed out, cancelled or over a threshold; 2 usage or config error.`;

export interface RehearseIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  cwd: string;
}

function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0)) throw new RehearsalConfigError(`${flag} must be a positive number, got "${value}".`);
  return n;
}

type CliOptions = RehearsalOptions & { report?: string; json: boolean; resumeCheck?: ResumeCheckOptions };

function parseOptions(argv: string[], cwd: string): CliOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        snapshot: { type: 'string' },
        engine: { type: 'string' },
        timeout: { type: 'string' },
        keep: { type: 'boolean' },
        report: { type: 'string' },
        json: { type: 'boolean' },
        'max-transaction-ms': { type: 'string' },
        node: { type: 'string' },
        'resume-check': { type: 'string' },
        seed: { type: 'string' },
        'production-rows': { type: 'string' },
        production: { type: 'string' },
        'site-load': { type: 'string' },
        'site-tables': { type: 'string' },
        'site-workload': { type: 'string' },
        'max-site-p99-ms': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new RehearsalConfigError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new RehearsalConfigError(positionals.length ? `Rehearse one script at a time (got ${positionals.join(', ')}).` : 'Which script? evolve rehearse <script>');
  if (values.engine !== undefined && values.engine !== 'sqlite' && values.engine !== 'pglite' && values.engine !== 'postgres') {
    throw new RehearsalConfigError(`--engine must be sqlite, pglite or postgres, got "${values.engine}".`);
  }
  if (values['site-load'] !== undefined && values['resume-check'] !== undefined) {
    throw new RehearsalConfigError('--site-load and --resume-check do not go together: rehearse once with each.');
  }
  const timeout = positiveNumber(values.timeout, '--timeout');
  return {
    script: positionals[0],
    workspace: cwd,
    snapshot: values.snapshot,
    engine: values.engine,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    keep: values.keep === true,
    maxTransactionMs: positiveNumber(values['max-transaction-ms'], '--max-transaction-ms'),
    nodePath: values.node,
    report: values.report === undefined ? undefined : resolve(cwd, values.report),
    json: values.json === true,
    productionRows: values['production-rows'] === undefined ? undefined : parseProductionRows(values['production-rows']),
    productionSource: values.production,
    resumeCheck: resumeCheckOptions(values['resume-check'], values.seed),
    ...siteOptions(values['site-load'], values['site-tables'], values['site-workload'], values['max-site-p99-ms'], cwd),
  };
}

function siteOptions(rate: string | undefined, tables: string | undefined, workload: string | undefined, maxP99: string | undefined, cwd: string): Pick<CliOptions, 'siteLoad' | 'maxSiteP99Ms'> {
  if (rate === undefined) {
    const stray = [tables !== undefined && '--site-tables', workload !== undefined && '--site-workload', maxP99 !== undefined && '--max-site-p99-ms'].filter(Boolean);
    if (stray.length) throw new RehearsalConfigError(`${stray.join(', ')} ${stray.length > 1 ? 'apply' : 'applies'} to --site-load only.`);
    return {};
  }
  const names = tables?.split(',').map((t) => t.trim()).filter(Boolean);
  if (tables !== undefined && !names?.length) throw new RehearsalConfigError('--site-tables needs table names separated by commas.');
  return {
    siteLoad: { rate: positiveNumber(rate, '--site-load'), ...(names ? { tables: names } : {}), ...(workload ? { workloadFile: resolve(cwd, workload) } : {}) },
    maxSiteP99Ms: positiveNumber(maxP99, '--max-site-p99-ms'),
  };
}

function resumeCheckOptions(kills: string | undefined, seed: string | undefined): ResumeCheckOptions | undefined {
  if (kills === undefined) {
    if (seed !== undefined) throw new RehearsalConfigError('--seed applies to --resume-check only.');
    return undefined;
  }
  if (!/^[1-9]\d*$/.test(kills)) throw new RehearsalConfigError(`--resume-check needs a number of kills of 1 or more, got "${kills}".`);
  if (seed !== undefined && !/^\d+$/.test(seed)) throw new RehearsalConfigError(`--seed must be a whole number, got "${seed}".`);
  return { kills: Number(kills), seed: seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(seed) };
}

/** Shows the child's log lines and, on a terminal, one redrawn progress line. */
function eventPrinter(stderr: NodeJS.WritableStream & { isTTY?: boolean }): { onEvent(e: ChildEvent): void; clear(): void } {
  const tty = stderr.isTTY === true;
  let line = '';
  const clear = () => {
    if (tty && line) stderr.write('\r\x1b[2K');
    line = '';
  };
  return {
    clear,
    onEvent(event) {
      if (event.type === 'log') {
        const wasShown = line;
        clear();
        stderr.write(`  │ ${event.line}\n`);
        if (tty && wasShown) stderr.write((line = wasShown));
      } else if (event.type === 'snapshot-ready' && !tty) {
        stderr.write(`evolve: snapshot ready (${event.engine}, ${event.path})\n`);
      } else if (event.type === 'progress' && tty) {
        clear();
        line = progressLine(event.progress, event.elapsedMs).slice(0, 200);
        stderr.write(line);
      }
    },
  };
}

export async function runRehearseCommand(argv: string[], io: RehearseIo): Promise<number> {
  let options;
  try {
    options = parseOptions(argv, io.cwd);
  } catch (error) {
    io.stderr.write(`evolve rehearse: ${(error as Error).message}\n\n${REHEARSE_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(REHEARSE_USAGE + '\n');
    return 0;
  }
  const printer = eventPrinter(io.stderr);
  if (options.resumeCheck) {
    let checked;
    // Ctrl-C stops the run in flight after its batch and starts no other; every snapshot is removed.
    const stop = new AbortController();
    const onInterrupt = () => {
      printer.clear();
      io.stderr.write('evolve: stopping the resume check after the current batch\n');
      stop.abort();
    };
    process.on('SIGINT', onInterrupt);
    try {
      checked = await runResumeCheck(options, options.resumeCheck, printer.onEvent, stop.signal);
    } catch (error) {
      if (!(error instanceof RehearsalConfigError)) throw error;
      io.stderr.write(`evolve rehearse: ${error.message}\n`);
      return 2;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
      printer.clear();
    }
    return finish(io, options, checked);
  }
  let run;
  try {
    run = startRehearsal(options, printer.onEvent);
  } catch (error) {
    if (!(error instanceof RehearsalConfigError)) throw error;
    io.stderr.write(`evolve rehearse: ${error.message}\n`);
    return 2;
  }
  // Ctrl-C asks the script to finish its batch; the engine kills it after the grace period.
  let interrupts = 0;
  const onInterrupt = () => {
    printer.clear();
    if (interrupts++ > 0) return void run.child.kill('SIGKILL');
    io.stderr.write('evolve: stopping after the current batch (Ctrl-C again to kill it now)\n');
    run.cancel();
  };
  process.on('SIGINT', onInterrupt);
  let report: RehearsalReport;
  try {
    report = await run.done;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    printer.clear();
  }
  return finish(io, options, report);
}

/** Writes the report where asked and gives the exit code: 1 for a failed run, threshold or resume check. */
function finish(io: RehearseIo, options: CliOptions, report: RehearsalReport): number {
  if (options.report) writeFileSync(options.report, JSON.stringify(report, null, 2) + '\n');
  if (options.json) io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else io.stdout.write(summary(report, relative(io.cwd, report.script) || report.script));
  return report.status === 'ok' && report.thresholds.exceeded.length === 0 && report.resumeCheck?.status !== 'fail' ? 0 : 1;
}
