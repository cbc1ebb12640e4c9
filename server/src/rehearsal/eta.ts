// How long will the script take? Two estimates, both linear in rows, both with their basis:
// - ProgressEta: during a run, from the fraction done so far (elapsed / fraction): evolve-runtime's
//   etaMs, the progress bar's (a test holds the two equal). The bench (bench/eta.bench.mjs)
//   measures it at 10, 25 and 50% on uniform and skewed tables.
// - productionEta: after a rehearsal, its measured rate on the tables it wrote to, scaled to the
//   production row counts of those tables.
// Neither knows about skew, caches, other hardware or lock contention: docs/rehearsal.md says where
// they cannot be trusted, and `error` says it in every report.
import type { EtaEstimate, ProductionCount, RehearsalReport } from './protocol';
import { RehearsalConfigError } from './snapshot-source';

export interface Clock {
  now(): number;
}

/** Measured by bench/eta.bench.mjs on this machine; see docs/rehearsal.md for the figures. */
export const ETA_ERROR_STATEMENT =
  'Linear in rows: it assumes every row costs what the rehearsed rows cost on average. Measured (npm run bench, suite eta, ' +
  'on a 2-core machine): the running estimate was 4-35% off at 10% progress on uniform rows (within 15% when the machine ' +
  'was quiet, not when other work loaded it) and 22-60% off on skewed ones (the last fifth of the rows 40 times bigger); ' +
  'this production estimate also ignores a colder cache, other hardware and lock contention with a live application. ' +
  'Treat it as an order of magnitude, not a schedule.';

/** The running estimate: total duration = elapsed / fraction done, from the run's first observation. */
export class ProgressEta {
  private readonly startedAt: number;

  constructor(private readonly clock: Clock) {
    this.startedAt = clock.now();
  }

  /** Estimated total and remaining ms once `done` of `total` units are done; null before any progress. */
  estimate(done: number, total: number): { totalMs: number; remainingMs: number } | null {
    if (!(total > 0) || !(done > 0)) return null;
    const elapsed = this.clock.now() - this.startedAt;
    const totalMs = (elapsed * total) / Math.min(done, total);
    return { totalMs, remainingMs: Math.max(0, totalMs - elapsed) };
  }
}

export interface EtaTableInput {
  name: string;
  /** Rows of the table in the rehearsal's snapshot. */
  rehearsalRows: number;
  /** Rows of the table in production, and how that number was obtained. */
  productionRows: number;
  counted: string;
}

/** Scales the rehearsal's duration by production rows over rehearsed rows of the tables it wrote to. */
export function productionEta(durationMs: number, tables: EtaTableInput[]): EtaEstimate {
  const rehearsed = tables.reduce((sum, t) => sum + t.rehearsalRows, 0);
  const production = tables.reduce((sum, t) => sum + t.productionRows, 0);
  const seconds = durationMs / 1000;
  return {
    etaMs: rehearsed > 0 && durationMs > 0 ? Math.round((durationMs * production) / rehearsed) : null,
    basis: {
      tables: tables.map((t) => ({ ...t, rowsPerSecond: seconds > 0 ? Math.round(t.rehearsalRows / seconds) : 0 })),
      formula: `etaMs = durationMs × Σ productionRows / Σ rehearsalRows = ${Math.round(durationMs)} × ${production} / ${rehearsed}`,
    },
    error: tables.length === 0 ? 'The script wrote to no counted table, so there is no rate to scale.' : ETA_ERROR_STATEMENT,
  };
}

/**
 * The report's ETA: the tables the script wrote to, counted in the snapshot before the run (a copy
 * of the source, so these are the source's counts when it was copied), unless `production` has
 * the table: counts of the production database (--production) or given (--production-rows).
 */
export function etaForReport(report: RehearsalReport, touchedTables: string[], production: Map<string, ProductionCount> = new Map()): EtaEstimate {
  const tables: EtaTableInput[] = [];
  for (const name of touchedTables.map((t) => t.toLowerCase())) {
    const rehearsalRows = report.tables.find((t) => t.name === name)?.rowsBefore;
    if (rehearsalRows === null || rehearsalRows === undefined) continue;
    const known = production.get(name);
    tables.push({
      name,
      rehearsalRows,
      productionRows: known?.rows ?? rehearsalRows,
      counted: known?.counted ?? `COUNT(*) of the snapshot of ${report.snapshot.source} before the run`,
    });
  }
  return productionEta(report.durationMs, tables);
}

/** The production counts for the ETA: those counted in --production, overridden by --production-rows. */
export function productionCounts(counted: ProductionCount[], given: Map<string, number> = new Map()): Map<string, ProductionCount> {
  const counts = new Map(counted.map((c) => [c.name.toLowerCase(), c]));
  for (const [name, rows] of given) counts.set(name, { name, rows, counted: 'given with --production-rows' });
  return counts;
}

/** `users=2000000,orders=9e6` → counts by table (lower case), for --production-rows. */
export function parseProductionRows(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const part of text.split(',').filter((p) => p.trim())) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*$/i.exec(part);
    if (!match) throw new RehearsalConfigError(`--production-rows wants table=count pairs separated by commas (users=2000000,orders=9000000); "${part}" is not one.`);
    counts.set(match[1].toLowerCase(), Math.round(Number(match[2])));
  }
  return counts;
}
