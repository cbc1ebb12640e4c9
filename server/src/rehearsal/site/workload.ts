// What the simulated site sends: a seeded random stream of requests. By default, point reads and
// no-op writes of random existing rows by primary key; with a recorded workload file, weighted
// SQL statements with generated parameters. Pure: the engine validates the file with it before
// anything starts, and the site process builds its requests with it.
import { readFileSync } from 'node:fs';
import { seededRandom } from '../seeded-random';
export { seededRandom };

/** A parameter of a workload statement: a literal, or a generator. */
export type ParamSpec = string | number | boolean | null | { key: string } | { int: [number, number] } | { pick: (string | number | boolean | null)[] };

export interface WorkloadStatement {
  sql: string;
  weight: number;
  params: ParamSpec[];
  /** Counts as a write (longestWriteWaitMs); default: any statement that does not start with SELECT, WITH, VALUES or SHOW. */
  write: boolean;
}

export interface Workload {
  statements: WorkloadStatement[];
}

export class WorkloadError extends Error {
  override name = 'WorkloadError';
}

const READ_START = /^\s*(select|with|values|show|explain)\b/i;

export function isWrite(sql: string): boolean {
  return !READ_START.test(sql);
}

function describeParam(value: unknown, at: string): ParamSpec {
  if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) return value as ParamSpec;
  if (typeof value !== 'object' || Array.isArray(value)) throw new WorkloadError(`${at} must be a literal or one of {"key": table}, {"int": [min, max]}, {"pick": [values]}.`);
  const spec = value as Record<string, unknown>;
  const keys = Object.keys(spec);
  if (keys.length !== 1) throw new WorkloadError(`${at} must have exactly one of "key", "int" or "pick", got ${keys.map((k) => `"${k}"`).join(', ') || 'none'}.`);
  if ('key' in spec) {
    if (typeof spec.key !== 'string' || !spec.key) throw new WorkloadError(`${at}.key must be a table name.`);
    return { key: spec.key };
  }
  if ('int' in spec) {
    const range = spec.int;
    if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isInteger) || range[0] > range[1]) {
      throw new WorkloadError(`${at}.int must be [min, max]: two whole numbers, min <= max.`);
    }
    return { int: [range[0], range[1]] };
  }
  if ('pick' in spec) {
    const values = spec.pick;
    if (!Array.isArray(values) || values.length === 0 || !values.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
      throw new WorkloadError(`${at}.pick must be a non-empty array of literals.`);
    }
    return { pick: values as (string | number | boolean | null)[] };
  }
  throw new WorkloadError(`${at} has an unknown generator "${keys[0]}": use "key", "int" or "pick".`);
}

/** Validates a workload (already parsed JSON); errors name the file and the bad entry. */
export function parseWorkload(value: unknown, file: string): Workload {
  const fail = (message: string): never => {
    throw new WorkloadError(`The site workload ${file}: ${message}`);
  };
  if (!value || typeof value !== 'object' || Array.isArray(value)) fail('must be a JSON object with "statements": [...].');
  const root = value as Record<string, unknown>;
  const unknown = Object.keys(root).filter((k) => k !== 'statements' && k !== '$comment');
  if (unknown.length) fail(`unknown field "${unknown[0]}" (only "statements").`);
  if (!Array.isArray(root.statements) || root.statements.length === 0) fail('"statements" must be a non-empty array.');
  const statements = (root.statements as unknown[]).map((entry, i): WorkloadStatement => {
    const at = `statements[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) return fail(`${at} must be an object with "sql".`);
    const s = entry as Record<string, unknown>;
    const extra = Object.keys(s).filter((k) => !['sql', 'weight', 'params', 'write'].includes(k));
    if (extra.length) fail(`${at} has an unknown field "${extra[0]}" (use sql, weight, params, write).`);
    if (typeof s.sql !== 'string' || !s.sql.trim()) fail(`${at}.sql must be a non-empty SQL string.`);
    if (s.weight !== undefined && !(typeof s.weight === 'number' && s.weight > 0)) fail(`${at}.weight must be a positive number.`);
    if (s.params !== undefined && !Array.isArray(s.params)) fail(`${at}.params must be an array.`);
    if (s.write !== undefined && typeof s.write !== 'boolean') fail(`${at}.write must be true or false.`);
    let params: ParamSpec[] = [];
    try {
      params = ((s.params as unknown[] | undefined) ?? []).map((p, j) => describeParam(p, `${at}.params[${j}]`));
    } catch (error) {
      fail((error as Error).message);
    }
    const sql = s.sql as string;
    return { sql, weight: (s.weight as number | undefined) ?? 1, params, write: (s.write as boolean | undefined) ?? isWrite(sql) };
  });
  return { statements };
}

export function readWorkload(file: string): Workload {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WorkloadError(`The site workload ${file} cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WorkloadError(`The site workload ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseWorkload(value, file);
}

/** Tables whose keys a workload's {"key": table} parameters need. */
export function workloadTables(workload: Workload): string[] {
  const tables = new Set<string>();
  for (const s of workload.statements) for (const p of s.params) if (p && typeof p === 'object' && 'key' in p) tables.add(p.key);
  return [...tables];
}


/** A site table: its name, primary key column and a sample of existing keys. */
export interface SiteTable {
  name: string;
  key: string;
  keys: unknown[];
}

export interface SiteRequest {
  sql: string;
  params: unknown[];
  write: boolean;
  /** Index of the statement (for logging its first error once). */
  statement: number;
}

export type Quote = (identifier: string) => string;
export type Placeholder = (index: number) => string;

/**
 * The default statements: per table a point read and a write that sets the primary key to itself.
 * That write takes the row's write lock (and, on SQLite, the database's) like a real update, but
 * changes no value, so the script's results are the same with or without the site.
 */
export function defaultWorkload(tables: SiteTable[], writeRatio: number, quote: Quote, placeholder: Placeholder): Workload {
  const statements: WorkloadStatement[] = [];
  for (const t of tables) {
    const [table, key] = [quote(t.name), quote(t.key)];
    if (writeRatio < 1) statements.push({ sql: `SELECT * FROM ${table} WHERE ${key} = ${placeholder(1)}`, weight: (1 - writeRatio) / tables.length, params: [{ key: t.name }], write: false });
    if (writeRatio > 0) statements.push({ sql: `UPDATE ${table} SET ${key} = ${key} WHERE ${key} = ${placeholder(1)}`, weight: writeRatio / tables.length, params: [{ key: t.name }], write: true });
  }
  return { statements };
}

/** Draws requests from a workload: a statement by weight, then its parameters. */
export function requestStream(workload: Workload, tables: Map<string, SiteTable>, random: () => number): () => SiteRequest {
  const total = workload.statements.reduce((sum, s) => sum + s.weight, 0);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const param = (spec: ParamSpec): unknown => {
    if (spec === null || typeof spec !== 'object') return spec;
    if ('key' in spec) {
      // A table with no rows has no key to draw: NULL matches no row, as a request for a missing one would.
      const keys = tables.get(spec.key)?.keys ?? [];
      return keys.length > 0 ? pick(keys) : null;
    }
    if ('int' in spec) return spec.int[0] + Math.floor(random() * (spec.int[1] - spec.int[0] + 1));
    return pick(spec.pick);
  };
  return () => {
    let r = random() * total;
    let index = 0;
    while (index < workload.statements.length - 1 && r >= workload.statements[index].weight) r -= workload.statements[index++].weight;
    const s = workload.statements[index];
    return { sql: s.sql, params: s.params.map(param), write: s.write, statement: index };
  };
}
