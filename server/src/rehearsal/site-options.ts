// `--site-load`'s options in the parent: what the caller asked for over the config's
// `rehearsal.site` over the defaults, checked before anything starts (the workload file is
// validated here too, so a bad file is a usage error, not a failed run).
import { isAbsolute, resolve } from 'node:path';
import type { EvolveConfig } from '../core/config';
import type { RehearsalReport, SiteLoadOptions, SnapshotEngineName } from './protocol';
import { RehearsalConfigError } from './snapshot-source';
import { readWorkload, WorkloadError } from './site/workload';

/** What a caller (the CLI, the language server) may set; the rest comes from the config or the defaults. */
export type SiteLoadRequest = { rate?: number } & Partial<Omit<SiteLoadOptions, 'rate'>>;

export const SITE_DEFAULTS = { baselineMs: 2000, busyTimeoutMs: 5000, lockTimeoutMs: 2000, statementTimeoutMs: 10_000, writeRatio: 0.2 } as const;

export function resolveSiteLoad(request: number | SiteLoadRequest | undefined, config: EvolveConfig, engine: SnapshotEngineName, workspace: string): SiteLoadOptions | undefined {
  if (request === undefined) return undefined;
  const asked: SiteLoadRequest = typeof request === 'number' ? { rate: request } : request;
  const site = config.rehearsal.site ?? {};
  if (engine === 'pglite') {
    throw new RehearsalConfigError('--site-load needs a SQLite or PostgreSQL snapshot: PGlite serves a single connection, so a simulated site cannot run beside the script.');
  }
  const rate = asked.rate ?? site.rate;
  if (!(typeof rate === 'number' && rate > 0 && Number.isFinite(rate))) throw new RehearsalConfigError(`--site-load needs a rate in requests per second above 0${rate === undefined ? '' : `, got ${rate}`}.`);
  const workload = asked.workloadFile ?? (site.workload ? resolve(config.root, site.workload) : undefined);
  const workloadFile = workload === undefined ? undefined : isAbsolute(workload) ? workload : resolve(workspace, workload);
  if (workloadFile) {
    try {
      readWorkload(workloadFile);
    } catch (error) {
      if (error instanceof WorkloadError) throw new RehearsalConfigError(error.message);
      throw error;
    }
  }
  const tables = asked.tables ?? site.tables ?? config.rehearsal.siteTables;
  const options: SiteLoadOptions = {
    rate,
    ...(tables && tables.length > 0 ? { tables } : {}),
    baselineMs: asked.baselineMs ?? site.baselineMs ?? SITE_DEFAULTS.baselineMs,
    busyTimeoutMs: asked.busyTimeoutMs ?? site.busyTimeoutMs ?? SITE_DEFAULTS.busyTimeoutMs,
    lockTimeoutMs: asked.lockTimeoutMs ?? site.lockTimeoutMs ?? SITE_DEFAULTS.lockTimeoutMs,
    statementTimeoutMs: asked.statementTimeoutMs ?? site.statementTimeoutMs ?? SITE_DEFAULTS.statementTimeoutMs,
    writeRatio: asked.writeRatio ?? site.writeRatio ?? SITE_DEFAULTS.writeRatio,
    ...(workloadFile ? { workloadFile } : {}),
    seed: asked.seed ?? Math.floor(Math.random() * 2 ** 31),
  };
  if (!(options.writeRatio >= 0 && options.writeRatio <= 1)) throw new RehearsalConfigError(`The site's write ratio must be from 0 to 1, got ${options.writeRatio}.`);
  return options;
}

/** --max-site-p99-ms: records the limit in the report and adds the threshold message when the run's p99 is over it. */
export function applySiteThreshold(report: RehearsalReport, maxP99Ms: number | undefined, siteLoad: boolean): RehearsalReport {
  if (maxP99Ms === undefined || !siteLoad) return report;
  if (!report.site) {
    // A gate that cannot measure fails: CI must not pass a run whose site gave no figures.
    const missing = `The site gave no latency figures, so --max-site-p99-ms ${maxP99Ms} could not be checked.`;
    return report.status === 'ok' ? { ...report, thresholds: { ...report.thresholds, exceeded: [...report.thresholds.exceeded, missing] } } : report;
  }
  const site = { ...report.site, maxP99Ms };
  const over = site.run.p99Ms > maxP99Ms;
  const message = `The site's p99 latency during the run was ${site.run.p99Ms} ms, over the ${maxP99Ms} ms limit (--max-site-p99-ms); its baseline p99 was ${site.baseline.p99Ms} ms.`;
  return { ...report, site, thresholds: { ...report.thresholds, exceeded: over ? [...report.thresholds.exceeded, message] : report.thresholds.exceeded } };
}
