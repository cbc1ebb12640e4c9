// The rehearsal child <-> site process channel: JSON lines on the site's stdin (commands) and
// stdout (replies). Chart samples go straight to the engine on the site's fd 3 when the child has
// one to hand down (so they flow while a synchronous script holds the child's event loop).
import type { SiteLoadOptions, SiteSample, SiteWindowStats } from '../protocol';

export interface SiteStartCommand {
  type: 'start';
  engine: 'sqlite' | 'postgres';
  /** The snapshot file (sqlite) or the scratch database's URL with credentials (postgres). Never the source. */
  target: string;
  options: SiteLoadOptions;
  /** The script: its text names the tables the site uses when none are configured. */
  script: string;
  workspace: string;
  evolveRoot: string;
  /** Whether fd 3 is the engine's site-sample channel; else samples come back on stdout. */
  sampleFd: boolean;
}

export type SiteCommand = SiteStartCommand | { type: 'run' } | { type: 'stop' };

export type SiteReply =
  | { type: 'ready'; pid: number; tables: string[]; connections: number }
  | { type: 'baseline-done' }
  | { type: 'sample'; sample: SiteSample }
  | { type: 'log'; line: string }
  | { type: 'report'; baseline: SiteWindowStats; run: SiteWindowStats }
  | { type: 'error'; message: string };

/** Name the site's PostgreSQL connections carry (pg_stat_activity.application_name). */
export const SITE_APPLICATION_NAME = 'evolve-site';
/** Connections (PostgreSQL clients or SQLite worker threads) the site spreads its requests over. */
export const SITE_CONNECTIONS = 4;
