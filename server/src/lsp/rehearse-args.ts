// The arguments of workspace/executeCommand "evolve.rehearse" as any LSP client may send them:
// checked field by field (never trusted as typed), each problem named with what to send instead.
import { existsSync } from 'node:fs';
import { RehearsalConfigError } from '../rehearsal/snapshot-source';
import { REHEARSE_COMMAND, type RehearseArgs } from './protocol';
import { uriToPath } from './service';

const ENGINES = new Set(['sqlite', 'pglite', 'postgres']);
const MAX_RUN_ID_LENGTH = 200;

function optional<T>(raw: Record<string, unknown>, key: string, valid: (v: unknown) => boolean, expected: string): T | undefined {
  const value = raw[key];
  if (value === undefined || value === null) return undefined;
  if (!valid(value)) throw new RehearsalConfigError(`${REHEARSE_COMMAND}: "${key}" must be ${expected}, got ${JSON.stringify(value)}.`);
  return value as T;
}

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const positiveInteger = (v: unknown) => positive(v) && Number.isInteger(v);
const nonNegativeInteger = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const nonEmptyString = (v: unknown) => typeof v === 'string' && v.trim().length > 0;

export interface CheckedRehearseArgs extends RehearseArgs {
  /** The script's absolute path, from `uri`. */
  path: string;
}

/** The first executeCommand argument as RehearseArgs, or a RehearsalConfigError saying what is wrong. */
export function parseRehearseArgs(args: unknown[] | undefined): CheckedRehearseArgs {
  const raw = args?.[0];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new RehearsalConfigError(`${REHEARSE_COMMAND} needs one argument, an object such as { "uri": "file:///path/to/script.ts", "snapshot": "nightly" }.`);
  }
  const fields = raw as Record<string, unknown>;
  const uri = fields.uri;
  if (typeof uri !== 'string') throw new RehearsalConfigError(`${REHEARSE_COMMAND}: "uri" (the script's file URI) is missing.`);
  const path = uriToPath(uri);
  if (!path) throw new RehearsalConfigError(`${REHEARSE_COMMAND}: "uri" must be a file: URI of a script on disk, got ${JSON.stringify(uri)}.`);
  if (!existsSync(path)) throw new RehearsalConfigError(`${REHEARSE_COMMAND}: the script ${path} does not exist (save it first).`);
  const runId = optional<string>(fields, 'runId', (v) => nonEmptyString(v) && (v as string).length <= MAX_RUN_ID_LENGTH, `a non-empty string of at most ${MAX_RUN_ID_LENGTH} characters`);
  return {
    uri,
    path,
    ...(runId ? { runId } : {}),
    snapshot: optional<string>(fields, 'snapshot', nonEmptyString, 'a snapshot name, a path or a URL'),
    engine: optional<RehearseArgs['engine']>(fields, 'engine', (v) => ENGINES.has(v as string), '"sqlite", "pglite" or "postgres"'),
    keep: optional<boolean>(fields, 'keep', (v) => typeof v === 'boolean', 'true or false'),
    timeoutMs: optional<number>(fields, 'timeoutMs', positive, 'a positive number of milliseconds'),
    maxTransactionMs: optional<number>(fields, 'maxTransactionMs', positive, 'a positive number of milliseconds'),
    resumeCheck: optional<number>(fields, 'resumeCheck', positiveInteger, 'a whole number of kills, 1 or more'),
    seed: optional<number>(fields, 'seed', nonNegativeInteger, 'a whole number'),
    siteLoad: optional<number>(fields, 'siteLoad', positive, 'a positive number of requests per second'),
    maxSiteP99Ms: optional<number>(fields, 'maxSiteP99Ms', positive, 'a positive number of milliseconds'),
  };
}
