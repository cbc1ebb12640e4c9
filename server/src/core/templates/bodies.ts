// The texts of new evolve scripts, per library and runner shape (see new-script.ts). Every one
// batches with eachBatch: a checkpoint name (a re-run resumes), retries on conflict, and progress.
import type { RunnerShape, TemplateLibrary } from './new-script';

export interface TemplateContext {
  table: string;
  checkpoint: string;
  className: string;
}

interface Parts {
  header: string;
  imports: string[];
  rowType: string;
  /** The function head(s) around the eachBatch call, `%BATCH%` where it goes. */
  frame: string;
  adapter: string;
  fetch: string;
  key: string;
  body: string;
}

/** eachBatch's options and body, indented for `indent`. */
function eachBatchCall(p: Parts, checkpoint: string, indent: string): string {
  const lines = [
    'await eachBatch(',
    '  {',
    `    adapter: ${p.adapter},`,
    `    name: '${checkpoint}',`,
    '    size: 500,',
    `    fetch: ${p.fetch},`,
    `    key: ${p.key},`,
    '    // A batch that conflicts with another transaction is retried (with backoff) before the run fails.',
    '    retries: 5,',
    '    onProgress: (event) => {',
    `      if (event.type === 'batch') console.log(\`${checkpoint}: batch \${event.batch} committed, \${event.rows} rows so far\`);`,
    '    },',
    '  },',
    `  ${p.body},`,
    ');',
  ];
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join('\n');
}

function assemble(p: Parts, checkpoint: string): string {
  const indent = /^( *)%BATCH%/m.exec(p.frame)?.[1] ?? '  ';
  return `${p.header}\n${p.imports.join('\n')}\n\n${p.rowType}\n\n${p.frame.replace('%BATCH%', eachBatchCall(p, checkpoint, indent))}\n`;
}

const TODO = 'TODO: replace this no-op with the change for each row';

function header(ctx: TemplateContext, what: string): string {
  return `// ${ctx.checkpoint}: ${what}\n// Walks ${ctx.table} in keyset batches of 500, one transaction per batch; the checkpoint\n// '${ctx.checkpoint}' lets a re-run resume after the last committed batch.`;
}

export function sqlScript(library: Exclude<TemplateLibrary, 'mongodb'>, shape: RunnerShape, ctx: TemplateContext): string {
  const { table } = ctx;
  const rowType = 'interface Row {\n  id: number;\n}';
  const plain = (param: string) => `export default async function run(${param}): Promise<void> {\n  %BATCH%\n}`;
  const key = '(row) => row.id';
  if (library === 'better-sqlite3') {
    return assemble({
      header: header(ctx, 'a plain script; call its default export with an open better-sqlite3 database.'),
      imports: ["import type Database from 'better-sqlite3';", "import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';"],
      rowType,
      frame: `export default async function run(db: Database.Database): Promise<void> {\n  const page = db.prepare('SELECT * FROM ${table} WHERE id > ? ORDER BY id LIMIT ?');\n  // ${TODO}.\n  const update = db.prepare('UPDATE ${table} SET id = id WHERE id = ?');\n  %BATCH%\n}`,
      adapter: 'betterSqlite3Adapter(db)',
      fetch: '(after: number | undefined, size: number) => page.all(after ?? 0, size) as Row[]',
      key,
      body: '(rows) => {\n    for (const row of rows) update.run(row.id);\n  }',
    }, ctx.checkpoint);
  }
  if (library === 'pg') {
    return assemble({
      header: header(ctx, 'a plain script; call its default export with a pg Pool.'),
      imports: ["import type { Pool, PoolClient } from 'pg';", "import { eachBatch, pgAdapter } from 'evolve-runtime';"],
      rowType,
      frame: plain('pool: Pool'),
      adapter: 'pgAdapter(pool)',
      fetch: `async (after: number | undefined, size: number, tx: PoolClient) => {\n      const { rows } = await tx.query<Row>('SELECT * FROM ${table} WHERE id > $1 ORDER BY id LIMIT $2', [after ?? 0, size]);\n      return rows;\n    }`,
      key,
      body: `async (rows, tx) => {\n    for (const row of rows) {\n      // ${TODO}.\n      await tx.query('UPDATE ${table} SET id = id WHERE id = $1', [row.id]);\n    }\n  }`,
    }, ctx.checkpoint);
  }
  if (library === 'knex') {
    const migration = shape === 'knex-migration';
    return assemble({
      header: header(ctx, migration ? 'a knex migration that opts out of the per-file transaction.' : 'a plain script; call its default export with a knex instance.'),
      imports: ["import type { Knex } from 'knex';", "import { eachBatch, knexAdapter } from 'evolve-runtime';"],
      rowType,
      frame: migration
        ? `// Each batch commits on its own, outside knex's per-file transaction.\nexport const config = { transaction: false };\n\nexport async function up(knex: Knex): Promise<void> {\n  %BATCH%\n}\n\nexport async function down(): Promise<void> {\n  // A data migration: nothing to undo here; restore from a backup if it must be reverted.\n}`
        : plain('knex: Knex'),
      adapter: 'knexAdapter(knex)',
      fetch: `(after: number | undefined, size: number, trx: Knex.Transaction): Promise<Row[]> =>\n      trx('${table}').where('id', '>', after ?? 0).orderBy('id').limit(size)`,
      key,
      body: `async (rows, trx) => {\n    for (const row of rows) {\n      // ${TODO}.\n      await trx('${table}').where({ id: row.id }).update({ id: row.id });\n    }\n  }`,
    }, ctx.checkpoint);
  }
  return assemble({
    header: header(ctx, 'a TypeORM migration that opts out of the per-migration transaction.'),
    imports: ["import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';", "import { eachBatch, typeormAdapter } from 'evolve-runtime';"],
    rowType,
    frame: `export class ${ctx.className} implements MigrationInterface {\n  name = '${ctx.className}';\n  // Each batch commits on its own, outside TypeORM's per-migration transaction.\n  transaction = false;\n\n  public async up(queryRunner: QueryRunner): Promise<void> {\n    %BATCH%\n  }\n\n  public async down(): Promise<void> {\n    // A data migration: nothing to undo here; restore from a backup if it must be reverted.\n  }\n}`,
    adapter: 'typeormAdapter(queryRunner.connection)',
    fetch: `(after: number | undefined, size: number, manager: EntityManager) =>\n      manager.createQueryBuilder().select('t.*').from('${table}', 't').where('t.id > :after', { after: after ?? 0 }).orderBy('t.id').limit(size).getRawMany<Row>()`,
    key,
    body: `async (rows, manager) => {\n    for (const row of rows) {\n      // ${TODO}.\n      await manager.createQueryBuilder().update('${table}').set({ id: () => 'id' }).where('id = :id', { id: row.id }).execute();\n    }\n  }`,
  }, ctx.checkpoint);
}

export function mongoScript(shape: RunnerShape, ctx: TemplateContext): string {
  const migration = shape === 'migrate-mongo';
  return assemble({
    header: header(ctx, migration ? 'a migrate-mongo migration (transactions need a replica set).' : 'a plain script; call its default export with a connected MongoClient (a replica set).'),
    imports: ["import type { ClientSession, Db, MongoClient, ObjectId } from 'mongodb';", "import { eachBatch, mongodbAdapter } from 'evolve-runtime';"],
    rowType: 'interface Doc {\n  _id: ObjectId;\n}',
    frame: migration
      ? `export async function up(db: Db, client: MongoClient): Promise<void> {\n  const collection = db.collection<Doc>('${ctx.table}');\n  %BATCH%\n}\n\nexport async function down(): Promise<void> {\n  // A data migration: nothing to undo here; restore from a backup if it must be reverted.\n}`
      : `export default async function run(client: MongoClient): Promise<void> {\n  const db: Db = client.db();\n  const collection = db.collection<Doc>('${ctx.table}');\n  %BATCH%\n}`,
    adapter: 'mongodbAdapter(client, db)',
    fetch: `(after: ObjectId | undefined, size: number, session: ClientSession) =>\n      collection.find(after ? { _id: { $gt: after } } : {}, { session }).sort({ _id: 1 }).limit(size).toArray()`,
    key: '(doc) => doc._id',
    body: `async (docs, session: ClientSession) => {\n    // TODO: replace migratedAt with the change for each document.\n    await collection.updateMany({ _id: { $in: docs.map((d) => d._id) } }, { $set: { migratedAt: new Date() } }, { session });\n  }`,
  }, ctx.checkpoint);
}
