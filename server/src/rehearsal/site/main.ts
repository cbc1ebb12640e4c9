// Entry of the site process (bundled to dist/rehearsal-site.js; started by the rehearsal child
// with the child's Node). It drives the synthetic site workload of `--site-load` on its own
// connections to the snapshot: warm-up, the baseline window, then the run window until the child
// says the script ended. It exits as soon as the child goes away, so it never outlives a rehearsal.
import { readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { SiteSample } from '../protocol';
import type { SiteDriver, TableInfo } from './driver';
import { chooseTables, SiteError } from './tables';
import { SITE_CONNECTIONS, type SiteCommand, type SiteReply, type SiteStartCommand } from './messages';
import { postgresDriver } from './postgres';
import { runSqliteWorker, sqliteDriver, type SqliteWorkerData } from './sqlite';
import { classifyFailure, sample, windowStats, type Outcome } from './stats';
import { defaultWorkload, readWorkload, requestStream, seededRandom, workloadTables, type SiteRequest, type SiteTable } from './workload';

const WARM_UP_MS = 250;
const SAMPLE_MS = 250;
const KEY_SAMPLE = 10_000;
/** How long the site lets requests in flight finish after the script ended before it reports. */
const DRAIN_MS = 2000;
const SAMPLE_FD = 3;

function reply(message: SiteReply): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

async function loadTables(driver: SiteDriver, chosen: TableInfo[]): Promise<SiteTable[]> {
  const tables: SiteTable[] = [];
  for (const t of chosen) tables.push({ name: t.name, key: t.key as string, keys: await driver.sampleKeys(t, KEY_SAMPLE) });
  return tables;
}

async function start(command: SiteStartCommand): Promise<Site> {
  const { options } = command;
  const roots = { workspace: command.workspace, evolveRoot: command.evolveRoot };
  const driver =
    command.engine === 'sqlite'
      ? await sqliteDriver(command.target, options.busyTimeoutMs, roots, SITE_CONNECTIONS, __filename)
      : await postgresDriver(command.target, options, roots, SITE_CONNECTIONS);
  const all = await driver.tables();
  const workload = options.workloadFile ? readWorkload(options.workloadFile) : null;
  let chosen: TableInfo[];
  if (workload) {
    // Only the tables its {"key": table} parameters draw keys from.
    const needed = workloadTables(workload);
    chosen = needed.length > 0 ? chooseTables(all, needed, '').tables : [];
  } else {
    const { tables, notes } = chooseTables(all, options.tables, readFileSync(command.script, 'utf8'));
    for (const line of notes) reply({ type: 'log', line });
    chosen = tables;
  }
  const loaded = await loadTables(driver, chosen);
  const empty = loaded.filter((t) => t.keys.length === 0);
  const withRows = workload ? loaded : loaded.filter((t) => t.keys.length > 0);
  if (empty.length > 0) reply({ type: 'log', line: `site load: ${empty.map((t) => t.name).join(', ')} ${empty.length > 1 ? 'have' : 'has'} no rows to read or write${workload ? '' : '; left out'}.` });
  if (!workload && withRows.length === 0) throw new SiteError(`site load: no table with rows and a single-column primary key to read and write (tables: ${all.map((t) => t.name).join(', ') || 'none'}).`);
  const random = seededRandom(options.seed);
  const next = requestStream(workload ?? defaultWorkload(withRows, options.writeRatio, driver.quote, driver.placeholder), new Map(withRows.map((t) => [t.name, t])), random);
  reply({ type: 'ready', pid: process.pid, tables: withRows.map((t) => t.name), connections: driver.connections });
  const site = new Site(driver, next, random, command);
  site.begin();
  return site;
}

interface Queued {
  dueAt: number;
  request: SiteRequest;
}

/** The open-loop scheduler: requests are due at a Poisson rate whether or not earlier ones finished. */
class Site {
  private readonly queue: Queued[] = [];
  private readonly inFlight = new Set<{ dueAt: number; startedAt: number; write: boolean }>();
  private reported = false;
  private readonly outcomes: Outcome[] = [];
  private free: number;
  private nextDue = 0;
  private baselineStart = Infinity;
  private runStart: number | null = null;
  private stopping = false;
  private sampled = 0;
  private readonly failedStatements = new Set<number>();
  private tick: NodeJS.Timeout | undefined;
  private sampler: NodeJS.Timeout | undefined;

  constructor(
    private readonly driver: SiteDriver,
    private readonly nextRequest: () => SiteRequest,
    private readonly random: () => number,
    private readonly command: SiteStartCommand,
  ) {
    this.free = driver.connections;
  }

  begin(): void {
    const now = performance.now();
    this.nextDue = now;
    this.baselineStart = now + WARM_UP_MS;
    this.schedule();
    setTimeout(() => reply({ type: 'baseline-done' }), WARM_UP_MS + this.command.options.baselineMs);
    this.sampler = setInterval(() => this.emitSample(), SAMPLE_MS);
  }

  run(): void {
    this.runStart ??= performance.now();
  }

  private schedule(): void {
    const now = performance.now();
    const meanGapMs = 1000 / this.command.options.rate;
    while (!this.stopping && this.nextDue <= now) {
      // Timed from now, not from the ideal arrival: on a loaded machine the site's own timer can
      // fire late, and that lateness is the site's, not the database's. Queueing for a
      // connection from here on counts.
      this.queue.push({ dueAt: now, request: this.nextRequest() });
      this.nextDue += -Math.log(1 - this.random()) * meanGapMs;
    }
    this.dispatch();
    // A timer per due time (not a fixed tick): a request waits for nothing but the database.
    if (!this.stopping) this.tick = setTimeout(() => this.schedule(), Math.max(0, this.nextDue - performance.now()));
  }

  private dispatch(): void {
    while (this.free > 0 && this.queue.length > 0) {
      const { dueAt, request } = this.queue.shift() as Queued;
      this.free--;
      const flight = { dueAt, startedAt: performance.now(), write: request.write };
      this.inFlight.add(flight);
      this.driver.execute(request).then(
        () => this.done(dueAt, flight, null),
        (error: unknown) => {
          const cause = classifyFailure(error);
          // A statement that fails for a reason of its own (a typo in a workload file) is shown once.
          if (cause === 'other' && !this.failedStatements.has(request.statement)) {
            this.failedStatements.add(request.statement);
            reply({ type: 'log', line: `site load: "${request.sql}" failed: ${(error as Error).message}` });
          }
          this.done(dueAt, flight, cause);
        },
      );
    }
  }

  private done(dueAt: number, flight: { dueAt: number; startedAt: number; write: boolean }, failure: Outcome['failure']): void {
    this.inFlight.delete(flight);
    this.free++;
    if (this.reported) return;
    if (dueAt >= this.baselineStart) this.outcomes.push({ dueAt, startedAt: flight.startedAt, endedAt: performance.now(), write: flight.write, failure });
    // After the stop too: the queued requests were due during the run, and are what the script made users wait for.
    this.dispatch();
  }

  private elapsed(at: number): number {
    return at - (this.runStart ?? this.baselineStart + this.command.options.baselineMs);
  }

  private emitSample(): void {
    const now = performance.now();
    if (now < this.baselineStart) return;
    const fresh = this.outcomes.slice(this.sampled);
    this.sampled = this.outcomes.length;
    const point: SiteSample = sample(fresh, this.elapsed(now));
    if (!this.command.sampleFd) return reply({ type: 'sample', sample: point });
    try {
      writeSync(SAMPLE_FD, JSON.stringify({ type: 'site-sample', sample: point }) + '\n');
    } catch {
      /* the engine stopped reading: the report still has the windows */
    }
  }

  async stop(): Promise<void> {
    const stoppedAt = performance.now();
    this.run();
    this.stopping = true;
    clearTimeout(this.tick);
    const deadline = stoppedAt + DRAIN_MS;
    while ((this.inFlight.size > 0 || this.queue.length > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    clearInterval(this.sampler);
    this.emitSample();
    const now = performance.now();
    this.reported = true;
    // Requests still waiting when the drain ends count with the wait so far (a lower bound), and a
    // write still in the database counts its wait so far too.
    const unfinished: Outcome[] = [
      ...[...this.inFlight].map((f) => ({ dueAt: f.dueAt, startedAt: f.startedAt, endedAt: now, write: f.write, failure: null })),
      ...this.queue.map((q) => ({ dueAt: q.dueAt, startedAt: now, endedAt: now, write: q.request.write, failure: null })),
    ];
    const all = [...this.outcomes, ...unfinished];
    const runStart = this.runStart as number;
    const baseline = all.filter((o) => o.dueAt >= this.baselineStart && o.dueAt < runStart);
    const run = all.filter((o) => o.dueAt >= runStart && o.dueAt <= stoppedAt);
    reply({ type: 'report', baseline: windowStats(baseline, runStart - this.baselineStart), run: windowStats(run, stoppedAt - runStart) });
  }
}

function main(): void {
  let site: Promise<Site | null> | null = null;
  let ending = false;
  const fail = (error: unknown) => {
    reply({ type: 'error', message: error instanceof SiteError ? error.message : `site load: ${(error as Error).message ?? String(error)}` });
    process.exit(1);
  };
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let command: SiteCommand;
    try {
      command = JSON.parse(line) as SiteCommand;
    } catch {
      return;
    }
    if (command.type === 'start' && !site) {
      site = start(command).catch((error: unknown) => (fail(error), null));
    } else if (command.type === 'run') {
      void site?.then((s) => s?.run());
    } else if (command.type === 'stop' && !ending) {
      ending = true;
      void (site ?? Promise.resolve(null)).then(async (s) => {
        if (s) await s.stop();
        process.exit(0);
      }, fail);
    }
  });
  // The child is gone (finished, crashed or killed): nothing reads us, and the snapshot goes away.
  lines.on('close', () => process.exit(0));
}

if (!isMainThread && (workerData as SqliteWorkerData | undefined)?.evolveSiteWorker) runSqliteWorker(workerData as SqliteWorkerData, parentPort as NonNullable<typeof parentPort>);
else main();
