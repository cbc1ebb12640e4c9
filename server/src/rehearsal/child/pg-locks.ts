// Lock waits in the scratch database, sampled from pg_locks: every backend waiting on a lock is
// seen with the time its wait began (pg_locks.waitstart), so a wait's length is known to within
// one sampling interval without touching the script's connections.
import type { LockStats } from '../protocol';
import { SITE_APPLICATION_NAME } from '../site/messages';
import type { PgClient } from './pg-scratch';
import { round } from './tracer';

export const LOCK_SAMPLE_MS = 20;

export class LockSampler {
  /** Longest duration seen per wait (backend pid and the wait's start). */
  private readonly waits = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly client: PgClient,
    private readonly database: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), LOCK_SAMPLE_MS);
    this.timer.unref();
  }

  private sample(): Promise<void> {
    this.inFlight ??= this.client
      .query<{ key: string; ms: number }>(
        `SELECT l.pid || ':' || l.waitstart AS key, extract(epoch FROM clock_timestamp() - l.waitstart)::float8 * 1000 AS ms
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE NOT l.granted AND l.waitstart IS NOT NULL AND a.datname = $1 AND a.application_name IS DISTINCT FROM $2`,
        // The simulated site's waits (--site-load) are in its own report, not the script's.
        [this.database, SITE_APPLICATION_NAME],
      )
      .then(
        ({ rows }) => {
          for (const row of rows) this.waits.set(row.key, Math.max(this.waits.get(row.key) ?? 0, Number(row.ms)));
        },
        () => undefined,
      )
      .finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  async stop(longestHeldMs: number): Promise<LockStats> {
    clearInterval(this.timer);
    await this.inFlight;
    const waits = [...this.waits.values()];
    return {
      waits: waits.length,
      waitMs: round(waits.reduce((a, b) => a + b, 0)),
      longestWaitMs: round(Math.max(0, ...waits)),
      longestHeldMs: round(longestHeldMs),
      sampleMs: LOCK_SAMPLE_MS,
    };
  }
}
