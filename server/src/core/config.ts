// evolve.config.json: the one source of truth for which files are evolve scripts, rule severities,
// runner transaction modes and named snapshots. Shared by the CLI, the language server and rehearsal.
import { parseTree, findNodeAtLocation, printParseErrorCode, type Node as JsonNode, type ParseError } from 'jsonc-parser';
import { dirname, relative, isAbsolute } from 'node:path';
import { matchesAny, matchesGlob } from './glob';
import type { RuleId, Severity } from './types';

export const CONFIG_FILE_NAME = 'evolve.config.json';
export const RULE_IDS: readonly RuleId[] = [
  'unbatched-loop',
  'missing-commit',
  'unbounded-read',
  'unbounded-concurrency',
  'floating-write',
  'offset-pagination',
  'no-conflict-retry',
  'non-resumable-batches',
  'schema-and-data-in-one-transaction',
];
const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'hint', 'off'];
const RUNNERS = ['auto', 'knex', 'typeorm', 'umzug', 'migrate-mongo', 'plain'] as const;
const TRANSACTION_MODES = ['auto', 'per-file', 'none'] as const;
const ENGINES = ['sqlite', 'pglite', 'postgres'] as const;

export type RunnerKind = (typeof RUNNERS)[number];
export type TransactionMode = (typeof TRANSACTION_MODES)[number];
export type SnapshotEngine = (typeof ENGINES)[number];

export interface RunnerEntry {
  files: string;
  runner: RunnerKind;
  transaction: TransactionMode;
}

export interface SnapshotEntry {
  engine?: SnapshotEngine;
  source: string;
  target?: string;
}

export interface EvolveConfig {
  /** Folder the config's relative patterns and paths are resolved against. */
  root: string;
  /** The config file, when one was read. */
  file?: string;
  include: string[];
  exclude: string[];
  rules: Record<RuleId, Severity>;
  runners: RunnerEntry[];
  snapshots: Record<string, SnapshotEntry>;
  rehearsal: { timeoutSeconds?: number; maxTransactionMs?: number; siteTables?: string[]; site?: SiteConfig };
}

/** `rehearsal.site`: the application's side of `evolve rehearse --site-load` (see docs/rehearsal.md). */
export interface SiteConfig {
  /** Tables the simulated site reads and writes (default: those the script names, else all). */
  tables?: string[];
  /** Requests per second, when --site-load is given without a rate by the editor. */
  rate?: number;
  baselineMs?: number;
  busyTimeoutMs?: number;
  lockTimeoutMs?: number;
  statementTimeoutMs?: number;
  /** Share of requests that are writes, 0 to 1. */
  writeRatio?: number;
  /** A recorded workload file (relative to the config file). */
  workload?: string;
  /** The --max-site-p99-ms gate. */
  maxP99Ms?: number;
}

const SITE_NUMBERS = ['rate', 'baselineMs', 'busyTimeoutMs', 'lockTimeoutMs', 'statementTimeoutMs', 'maxP99Ms'] as const;

const SCRIPT_EXTENSIONS = '{ts,js,mjs,cjs,mts,cts}';
export const DEFAULT_INCLUDE = ['migrations', 'evolve', 'data-migrations', 'scripts'].map(
  (folder) => `**/${folder}/**/*.${SCRIPT_EXTENSIONS}`,
);
const ALWAYS_EXCLUDED = ['**/node_modules/**', '**/*.d.ts'];

export const DEFAULT_SEVERITIES: Record<RuleId, Severity> = {
  'unbatched-loop': 'warning',
  'missing-commit': 'warning',
  'unbounded-read': 'warning',
  'unbounded-concurrency': 'warning',
  'floating-write': 'warning',
  'offset-pagination': 'warning',
  'no-conflict-retry': 'hint',
  'non-resumable-batches': 'hint',
  'schema-and-data-in-one-transaction': 'warning',
};

export function defaultConfig(root: string): EvolveConfig {
  return {
    root,
    include: [...DEFAULT_INCLUDE],
    exclude: [],
    rules: { ...DEFAULT_SEVERITIES },
    runners: [],
    snapshots: {},
    rehearsal: {},
  };
}

/** A problem in the config file, with its place, so the CLI can print it and the editor can squiggle it. */
export interface ConfigProblem {
  message: string;
  /** 0-based offset and length in the config text. */
  offset: number;
  length: number;
  line: number;
  column: number;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}

/** Parses and validates a config text; returns the config and every problem found. */
export function parseConfig(text: string, file: string): { config: EvolveConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const report = (node: { offset: number; length: number } | undefined, message: string) => {
    const offset = node?.offset ?? 0;
    problems.push({ message, offset, length: node?.length ?? 1, ...lineColumn(text, offset) });
  };
  const config = defaultConfig(dirname(file));
  config.file = file;
  const errors: ParseError[] = [];
  const tree = parseTree(text.replace(/^\uFEFF/, ''), errors, { allowTrailingComma: true, disallowComments: false });
  for (const e of errors) report(e, `Invalid JSON: ${printParseErrorCode(e.error)}.`);
  if (errors.length > 0 || !tree) {
    if (!tree && errors.length === 0) report(undefined, 'The file is empty: expected a JSON object.');
    return { config, problems };
  }
  if (tree.type !== 'object') {
    report(tree, 'Expected a JSON object at the top level.');
    return { config, problems };
  }
  const known = new Set(['$schema', 'include', 'exclude', 'rules', 'runners', 'snapshots', 'rehearsal']);
  for (const prop of tree.children ?? []) {
    const key = prop.children?.[0];
    if (key && !known.has(String(key.value))) {
      report(key, `Unknown setting "${key.value}". Known settings: ${[...known].filter((k) => k !== '$schema').join(', ')}.`);
    }
  }
  const stringList = (name: 'include' | 'exclude') => {
    const node = findNodeAtLocation(tree, [name]);
    if (!node) return;
    if (node.type !== 'array' || !(node.children ?? []).every((c) => c.type === 'string' && c.value !== '')) {
      report(node, `"${name}" must be an array of non-empty glob pattern strings.`);
      return;
    }
    config[name] = (node.children ?? []).map((c) => String(c.value));
  };
  stringList('include');
  stringList('exclude');
  readRules(tree, config, report);
  readRunners(tree, config, report);
  readSnapshots(tree, config, report);
  readRehearsal(tree, config, report);
  return { config, problems };
}

type Report = (node: JsonNode | undefined, message: string) => void;

function readRules(tree: JsonNode, config: EvolveConfig, report: Report): void {
  const node = findNodeAtLocation(tree, ['rules']);
  if (!node) return;
  if (node.type !== 'object') return report(node, '"rules" must be an object mapping rule ids to severities.');
  for (const prop of node.children ?? []) {
    const [key, value] = prop.children ?? [];
    const id = String(key?.value) as RuleId;
    if (!RULE_IDS.includes(id)) {
      report(key, `Unknown rule "${key?.value}". Rules: ${RULE_IDS.join(', ')}.`);
      continue;
    }
    if (value?.type !== 'string' || !SEVERITIES.includes(value.value as Severity)) {
      report(value, `Severity of "${id}" must be one of ${SEVERITIES.join(', ')}.`);
      continue;
    }
    config.rules[id] = value.value as Severity;
  }
}

function readRunners(tree: JsonNode, config: EvolveConfig, report: Report): void {
  const node = findNodeAtLocation(tree, ['runners']);
  if (!node) return;
  if (node.type !== 'array') return report(node, '"runners" must be an array of { files, runner, transaction } objects.');
  for (const item of node.children ?? []) {
    if (item.type !== 'object') {
      report(item, 'Each runner entry must be an object with "files" and optionally "runner" and "transaction".');
      continue;
    }
    const files = findNodeAtLocation(item, ['files']);
    const runner = findNodeAtLocation(item, ['runner']);
    const transaction = findNodeAtLocation(item, ['transaction']);
    for (const prop of item.children ?? []) {
      const key = prop.children?.[0];
      if (key && !['files', 'runner', 'transaction'].includes(String(key.value))) {
        report(key, `Unknown runner setting "${key.value}": use "files", "runner" or "transaction".`);
      }
    }
    if (files?.type !== 'string' || files.value === '') {
      report(files ?? item, 'A runner entry needs "files": a glob pattern string.');
      continue;
    }
    if (runner && !(RUNNERS as readonly unknown[]).includes(runner.value)) {
      report(runner, `"runner" must be one of ${RUNNERS.join(', ')}.`);
      continue;
    }
    if (transaction && !(TRANSACTION_MODES as readonly unknown[]).includes(transaction.value)) {
      report(transaction, `"transaction" must be one of ${TRANSACTION_MODES.join(', ')}.`);
      continue;
    }
    config.runners.push({
      files: String(files.value),
      runner: (runner?.value as RunnerKind) ?? 'auto',
      transaction: (transaction?.value as TransactionMode) ?? 'auto',
    });
  }
}

function readSnapshots(tree: JsonNode, config: EvolveConfig, report: Report): void {
  const node = findNodeAtLocation(tree, ['snapshots']);
  if (!node) return;
  if (node.type !== 'object') return report(node, '"snapshots" must be an object mapping names to { engine, source }.');
  for (const prop of node.children ?? []) {
    const [key, value] = prop.children ?? [];
    const name = String(key?.value);
    if (value?.type !== 'object') {
      report(value, `Snapshot "${name}" must be an object with "source" and optionally "engine" and "target".`);
      continue;
    }
    const source = findNodeAtLocation(value, ['source']);
    const engine = findNodeAtLocation(value, ['engine']);
    const target = findNodeAtLocation(value, ['target']);
    if (source?.type !== 'string' || source.value === '') {
      report(source ?? value, `Snapshot "${name}" needs "source": a file or folder path, or a connection URL.`);
      continue;
    }
    if (engine && !(ENGINES as readonly unknown[]).includes(engine.value)) {
      report(engine, `"engine" of snapshot "${name}" must be one of ${ENGINES.join(', ')}.`);
      continue;
    }
    if (target && target.type !== 'string') {
      report(target, `"target" of snapshot "${name}" must be a connection URL string.`);
      continue;
    }
    config.snapshots[name] = {
      source: String(source.value),
      ...(engine ? { engine: engine.value as SnapshotEngine } : {}),
      ...(target ? { target: String(target.value) } : {}),
    };
  }
}

function readRehearsal(tree: JsonNode, config: EvolveConfig, report: Report): void {
  const node = findNodeAtLocation(tree, ['rehearsal']);
  if (!node) return;
  if (node.type !== 'object') return report(node, '"rehearsal" must be an object.');
  for (const prop of node.children ?? []) {
    const [key, value] = prop.children ?? [];
    const name = String(key?.value);
    if (name === 'timeoutSeconds' || name === 'maxTransactionMs') {
      if (value?.type !== 'number' || !(Number(value.value) > 0)) report(value, `"rehearsal.${name}" must be a positive number.`);
      else config.rehearsal[name] = Number(value.value);
    } else if (name === 'siteTables') {
      if (value?.type !== 'array' || !(value.children ?? []).every((c) => c.type === 'string')) {
        report(value, '"rehearsal.siteTables" must be an array of table names.');
      } else config.rehearsal.siteTables = (value.children ?? []).map((c) => String(c.value));
    } else if (name === 'site') {
      readSite(value, config, report);
    } else {
      report(key, `Unknown rehearsal setting "${name}": use timeoutSeconds, maxTransactionMs, site or siteTables.`);
    }
  }
}

function readSite(node: JsonNode | undefined, config: EvolveConfig, report: Report): void {
  if (node?.type !== 'object') return report(node, '"rehearsal.site" must be an object.');
  const site: SiteConfig = {};
  for (const prop of node.children ?? []) {
    const [key, value] = prop.children ?? [];
    const name = String(key?.value);
    const at = `"rehearsal.site.${name}"`;
    if ((SITE_NUMBERS as readonly string[]).includes(name)) {
      if (value?.type !== 'number' || !(Number(value.value) > 0)) report(value, `${at} must be a positive number (milliseconds, or requests per second for rate).`);
      else site[name as (typeof SITE_NUMBERS)[number]] = Number(value.value);
    } else if (name === 'writeRatio') {
      const ratio = Number(value?.value);
      if (value?.type !== 'number' || !(ratio >= 0 && ratio <= 1)) report(value, `${at} must be a number from 0 (reads only) to 1 (writes only).`);
      else site.writeRatio = ratio;
    } else if (name === 'tables') {
      if (value?.type !== 'array' || !(value.children ?? []).every((c) => c.type === 'string' && c.value !== '')) report(value, `${at} must be an array of table names.`);
      else site.tables = (value.children ?? []).map((c) => String(c.value));
    } else if (name === 'workload') {
      if (value?.type !== 'string' || value.value === '') report(value, `${at} must be the path of a workload file (relative to this config).`);
      else site.workload = String(value.value);
    } else {
      report(key, `Unknown site setting "${name}": use tables, rate, baselineMs, busyTimeoutMs, lockTimeoutMs, statementTimeoutMs, writeRatio, workload or maxP99Ms.`);
    }
  }
  config.rehearsal.site = site;
}

/** Path of `file` relative to the config root, with forward slashes. */
export function configRelative(config: EvolveConfig, file: string): string {
  const rel = isAbsolute(file) ? relative(config.root, file) : file;
  return rel.replace(/\\/g, '/');
}

/** Whether a file is an evolve script under this config (matched by include, not excluded). */
export function isEvolveScript(config: EvolveConfig, file: string): boolean {
  const rel = configRelative(config, file);
  if (rel.startsWith('../')) return false;
  if (matchesAny(rel, ALWAYS_EXCLUDED) || matchesAny(rel, config.exclude)) return false;
  return matchesAny(rel, config.include);
}

export function isExcluded(config: EvolveConfig, file: string): boolean {
  const rel = configRelative(config, file);
  return matchesAny(rel, ALWAYS_EXCLUDED) || matchesAny(rel, config.exclude);
}

/** The runner entry that covers a file: the first matching one, else `auto`. */
export function runnerFor(config: EvolveConfig, file: string): RunnerEntry {
  const rel = configRelative(config, file);
  return config.runners.find((r) => matchesGlob(rel, r.files)) ?? { files: '**', runner: 'auto', transaction: 'auto' };
}
