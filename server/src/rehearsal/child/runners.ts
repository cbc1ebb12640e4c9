// Runs the script in the shape it was written in: a default-export function, a plain script,
// or a knex, TypeORM or umzug migration, inside the runner's transaction when the runner would use
// one (evolve.config.json `runners`), so the rehearsal shows what the real run will do.
import { basename } from 'node:path';

export type ScriptShape = 'default-export' | 'plain' | 'knex' | 'typeorm' | 'umzug';

export interface ScriptContext {
  engine: 'sqlite' | 'pglite' | 'postgres';
  snapshotPath: string;
  databaseUrl: string;
  script: string;
  signal: AbortSignal;
  log: (...args: unknown[]) => void;
  /** A traced connection to the snapshot: better-sqlite3 Database, PGlite, or a pg Pool (postgres). */
  openDb(): Promise<unknown>;
  /** Loads a library as the script would (workspace first, then Evolve's install). */
  requireLib(name: string): unknown;
  /** Resolves when a plain script has nothing left to do (its event loop drained or it exited). */
  plainScriptDone(): Promise<void>;
}

type AnyFn = (...args: unknown[]) => Promise<unknown> | unknown;
type Exports = Record<string, unknown> & { default?: unknown };

function migrationClass(exports: Exports): (new () => { up?: AnyFn; transaction?: boolean }) | undefined {
  for (const value of Object.values(exports)) {
    if (typeof value === 'function' && typeof (value as { prototype?: { up?: unknown } }).prototype?.up === 'function') {
      return value as new () => { up?: AnyFn };
    }
  }
  return undefined;
}

function defaultFunction(exports: unknown): AnyFn | undefined {
  if (typeof exports === 'function') return exports as AnyFn;
  const value = (exports as Exports).default;
  if (typeof value === 'function' && !migrationClass({ value })) return value as AnyFn;
  return undefined;
}

export function detectShape(exports: unknown, sourceText: string, runner: string): ScriptShape {
  const ex = (exports ?? {}) as Exports;
  if (runner === 'knex' || runner === 'typeorm' || runner === 'umzug') return runner;
  if (runner === 'migrate-mongo') throw new Error('migrate-mongo migrations target MongoDB, which rehearsal does not snapshot yet: use a sqlite or pglite snapshot with a SQL script.');
  if (runner !== 'plain') {
    if (migrationClass(ex) && /typeorm/.test(sourceText)) return 'typeorm';
    if (typeof ex.up === 'function') {
      const params = Function.prototype.toString.call(ex.up).replace(/^[^(]*\(/, '').trimStart();
      return /umzug/i.test(sourceText) || params.startsWith('{') ? 'umzug' : 'knex';
    }
    if (migrationClass(ex)) return 'typeorm';
  }
  return defaultFunction(exports) ? 'default-export' : 'plain';
}

/** Whether the runner wraps this file in one transaction (the setting, else the runner's own default). */
export function usesTransaction(shape: ScriptShape, exports: unknown, mode: string): boolean {
  if (mode === 'per-file') return true;
  if (mode === 'none') return false;
  const ex = (exports ?? {}) as Exports;
  if (shape === 'knex') return (ex.config as { transaction?: unknown } | undefined)?.transaction !== false;
  if (shape === 'typeorm') {
    const Cls = migrationClass(ex);
    return Cls ? new Cls().transaction !== false : true;
  }
  return false;
}

interface PgPool {
  connect(): Promise<{ query(sql: string): Promise<unknown>; release(): void }>;
}

/** Runs `work(db)` in one transaction; on a pg Pool, on one connection checked out of it. */
async function inTransaction(ctx: ScriptContext, db: unknown, work: (db: unknown) => Promise<unknown>): Promise<void> {
  if (ctx.engine === 'postgres') {
    const client = await (db as PgPool).connect();
    try {
      return await inTransaction({ ...ctx, engine: 'pglite' }, client, work);
    } finally {
      client.release();
    }
  }
  const handle = db as { exec?(sql: string): unknown; query(sql: string): unknown };
  const exec = (sql: string) => (handle.exec ? handle.exec(sql) : handle.query(sql));
  await exec('BEGIN');
  try {
    await work(db);
    await exec('COMMIT');
  } catch (error) {
    await exec('ROLLBACK');
    throw error;
  }
}

async function runKnex(ctx: ScriptContext, up: AnyFn, wrap: boolean): Promise<void> {
  const knexModule = ctx.requireLib('knex') as { knex?: unknown };
  const create = (typeof knexModule === 'function' ? knexModule : knexModule.knex) as (c: object) => { transaction(fn: AnyFn): Promise<unknown>; destroy(): Promise<void> };
  const knex = create(
    ctx.engine === 'sqlite'
      ? { client: 'better-sqlite3', connection: { filename: ctx.snapshotPath }, useNullAsDefault: true }
      : { client: 'pg', connection: ctx.databaseUrl, pool: { min: 0, max: 1 } },
  );
  try {
    if (wrap) await knex.transaction((trx) => up(trx));
    else await up(knex);
  } finally {
    await knex.destroy();
  }
}

interface QueryRunner {
  startTransaction(): Promise<void>;
  commitTransaction(): Promise<void>;
  rollbackTransaction(): Promise<void>;
  release(): Promise<void>;
}

async function runTypeorm(ctx: ScriptContext, instance: { up?: AnyFn }, wrap: boolean): Promise<void> {
  const { DataSource } = ctx.requireLib('typeorm') as { DataSource: new (o: object) => { initialize(): Promise<unknown>; createQueryRunner(): QueryRunner; destroy(): Promise<void> } };
  const source = new DataSource(
    ctx.engine === 'sqlite' ? { type: 'better-sqlite3', database: ctx.snapshotPath } : { type: 'postgres', url: ctx.databaseUrl, poolSize: 1 },
  );
  await source.initialize();
  const queryRunner = source.createQueryRunner();
  try {
    if (!wrap) return void (await instance.up?.(queryRunner));
    await queryRunner.startTransaction();
    try {
      await instance.up?.(queryRunner);
      await queryRunner.commitTransaction();
    } catch (error) {
      await queryRunner.rollbackTransaction();
      throw error;
    }
  } finally {
    await queryRunner.release();
    await source.destroy();
  }
}

export async function runScript(ctx: ScriptContext, shape: ScriptShape, exports: unknown, transactionMode: string): Promise<void> {
  const ex = (exports ?? {}) as Exports;
  const wrap = usesTransaction(shape, exports, transactionMode);
  switch (shape) {
    case 'default-export': {
      const db = await ctx.openDb();
      const run = async (handle: unknown) => (defaultFunction(exports) as AnyFn)({ db: handle, engine: ctx.engine, signal: ctx.signal, log: ctx.log });
      return wrap ? inTransaction(ctx, db, run) : void (await run(db));
    }
    case 'plain':
      return ctx.plainScriptDone();
    case 'knex':
      return runKnex(ctx, ex.up as AnyFn, wrap);
    case 'typeorm': {
      const Cls = migrationClass(ex);
      if (!Cls) throw new Error('No TypeORM migration class (a class with an up(queryRunner) method) is exported by the script.');
      return runTypeorm(ctx, new Cls(), wrap);
    }
    case 'umzug': {
      const db = await ctx.openDb();
      const run = async (context: unknown) => (ex.up as AnyFn)({ name: basename(ctx.script), path: ctx.script, context });
      return wrap ? inTransaction(ctx, db, run) : void (await run(db));
    }
  }
}
