// Transactions around code: callback-managed ones (`knex.transaction(async trx => ...)`), the migration
// runner's per-file transaction, and explicit handles the script must commit itself.
import type { EvolveConfig } from '../config';
import { runnerFor } from '../config';
import { VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { isFunctionLike, nameOfCallee, unwrap } from './ast';

export interface EnclosingTransaction {
  kind: 'callback' | 'runner';
  /** The call that opens it (callback) or the migration function (runner). */
  node: ts.Node;
  /** Names through which writes join the transaction (`trx`, `manager`, `session`); empty when every write on the connection does. */
  handles: string[];
  description: string;
}

/** The callback-managed transaction a node runs inside, if any. */
export function enclosingCallbackTransaction(node: ts.Node): EnclosingTransaction | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (!isFunctionLike(n) || !n.parent || !ts.isCallExpression(n.parent)) continue;
    const call = n.parent;
    const method = nameOfCallee(call.expression) ?? '';
    const isTxCall = VOCABULARY.transactionCallbacks.has(method) && method !== 'connect' && method !== 'begin';
    // Kysely: db.transaction().execute(async (trx) => ...)
    const kysely = method === 'execute' && ts.isPropertyAccessExpression(unwrap(call.expression)) &&
      ts.isCallExpression(unwrap((unwrap(call.expression) as ts.PropertyAccessExpression).expression)) &&
      nameOfCallee(unwrap((unwrap(call.expression) as ts.PropertyAccessExpression).expression) as ts.CallExpression) === 'transaction';
    if (!isTxCall && !kysely) continue;
    const handles: string[] = [];
    const p = n.parameters[0];
    if (p && ts.isIdentifier(p.name)) handles.push(p.name.text);
    if (method === 'withTransaction') {
      const recv = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(recv) && ts.isIdentifier(recv.expression)) handles.push(recv.expression.text);
    }
    return { kind: 'callback', node: call, handles, description: `the transaction opened by \`${method}(...)\` at line ${lineNumber(call)}` };
  }
  return undefined;
}

function lineNumber(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

export interface RunnerTransaction {
  wraps: boolean;
  runner: string;
  /** Why we believe the runner does or does not wrap the file. */
  reason: string;
  /** For knex migrations that wrap: where to add `config = { transaction: false }`. */
  knexOptOut?: { esm: boolean };
}

function hasTransactionFalse(text: string): boolean {
  return /\bconfig\s*=\s*\{[^}]*\btransaction\s*:\s*false/.test(text) || /\btransaction\s*=\s*false\b/.test(text);
}

/** How the migration runner that executes this file wraps it, from the config and the file's shape. */
/** The file's text without comments, so prose that mentions `transaction: false` does not count. */
function codeText(sf: ts.SourceFile): string {
  return sf.text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

export function runnerTransaction(sf: ts.SourceFile, config: EvolveConfig): RunnerTransaction {
  const entry = runnerFor(config, sf.fileName);
  const text = codeText(sf);
  const shape = detectRunner(text);
  const runner = entry.runner === 'auto' ? shape.runner : entry.runner;
  if (entry.transaction === 'per-file') return { wraps: true, runner, reason: `evolve.config.json sets transaction "per-file" for ${entry.files}` };
  if (entry.transaction === 'none') return { wraps: false, runner, reason: `evolve.config.json sets transaction "none" for ${entry.files}` };
  if (/\bcreateTransactionalMigration\s*\(/.test(text)) return { wraps: true, runner: 'knex', reason: 'createTransactionalMigration runs the whole migration in one transaction' };
  if (/\bcreateNonTransactionalMigration\s*\(|\bcreateIrreversibleMigration\s*\(/.test(text)) return { wraps: false, runner: 'knex', reason: 'this knex-migrator helper does not wrap the migration' };
  if (runner === 'knex') {
    if (/\bconfig\s*=\s*\{[^}]*\btransaction\s*:\s*true/.test(text)) return { wraps: true, runner, reason: 'the file sets config.transaction = true' };
    if (hasTransactionFalse(text)) return { wraps: false, runner, reason: 'the file opts out with config = { transaction: false }' };
    return { wraps: true, runner, reason: 'knex runs each migration in one transaction unless it exports config = { transaction: false }', knexOptOut: { esm: shape.esm } };
  }
  if (runner === 'typeorm') {
    if (hasTransactionFalse(text)) return { wraps: false, runner, reason: 'the migration sets transaction = false' };
    return { wraps: true, runner, reason: 'TypeORM runs migrations in one transaction by default' };
  }
  return { wraps: false, runner, reason: 'no runner transaction' };
}

/** The runner a file's code (`codeText`: the comments taken out, computed once per file) is written for. */
function detectRunner(text: string): { runner: 'knex' | 'typeorm' | 'umzug' | 'migrate-mongo' | 'plain'; esm: boolean } {
  if (/\bimplements\s+MigrationInterface\b/.test(text) || /\bup\s*\(\s*queryRunner\s*:\s*QueryRunner/.test(text)) return { runner: 'typeorm', esm: true };
  const esm = /\bexport\s+(async\s+)?function\s+up\b|\bexport\s+const\s+up\b/.test(text);
  const cjs = /\b(module\.)?exports\.up\s*=|module\.exports\s*=\s*\{[^}]*\bup\b/.test(text);
  if (esm || cjs) {
    const upParam = /\bup\b\s*(?:=\s*(?:async\s*)?(?:function\s*)?)?\(?\s*(?:async\s*)?(?:function\s*)?\(\s*\{?\s*(\w+)/.exec(text)?.[1] ?? '';
    if (/^(knex|trx|k)$/i.test(upParam) || /\bup\s*\(\s*knex\s*:\s*Knex\b/.test(text)) return { runner: 'knex', esm };
    if (/^context$/.test(upParam)) return { runner: 'umzug', esm };
    if (/^(db|database)$/.test(upParam) && /\bcollection\s*\(/.test(text)) return { runner: 'migrate-mongo', esm };
  }
  return { runner: 'plain', esm };
}
