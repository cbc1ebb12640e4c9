// Realistic evolve scripts with a known hazard each (an unbatched loop, a transaction left open or
// without rollback, batches inside one transaction), for knex, Prisma, MongoDB, pg and TypeORM.
// The fuzzer truncates, mutates and extends them; each one, analysed alone, must report a finding.

export interface Template {
  name: string;
  /** Path inside the virtual project; the extension picks TS, JS, TSX or JSX parsing. */
  file: string;
  text: string;
}

export const TEMPLATES: Template[] = [
  {
    name: 'knex: for-of over a whole table, update per row',
    file: 'migrations/20240101_lowercase_emails.js',
    text: `exports.config = { transaction: false };

exports.up = async function (knex) {
  const users = await knex('users').select('id', 'email');
  for (const user of users) {
    await knex('users').where({ id: user.id }).update({ email: user.email.toLowerCase() });
  }
};

exports.down = async function () {};
`,
  },
  {
    name: 'knex: explicit transaction committed without a rollback',
    file: 'scripts/backfill-plans.ts',
    text: `import type { Knex } from 'knex';

export async function run(knex: Knex) {
  const trx = await knex.transaction();
  const accounts = await trx('accounts').whereNull('plan').select('id');
  await trx('accounts').whereIn('id', accounts.map((a) => a.id)).update({ plan: 'free' });
  await trx.commit();
}
`,
  },
  {
    name: 'knex: page loop inside one transaction',
    file: 'migrations/20240202_slugs.ts',
    text: `import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.transaction(async (trx) => {
    let lastId = 0;
    for (;;) {
      const page = await trx('posts').where('id', '>', lastId).orderBy('id').limit(500);
      if (page.length === 0) break;
      await trx('posts').whereIn('id', page.map((p) => p.id)).update({ slug: null });
      lastId = page[page.length - 1].id;
    }
  });
}
`,
  },
  {
    name: 'prisma: findMany without take, update per row',
    file: 'scripts/reset-conversions.ts',
    text: `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function main() {
  const links = await prisma.link.findMany({ where: { programId: 'prog_1' } });
  for (const link of links) {
    await prisma.link.update({ where: { id: link.id }, data: { conversions: 0 } });
  }
}

main().finally(() => prisma.$disconnect());
`,
  },
  {
    name: 'mongodb: while (cursor.hasNext()) with updateOne',
    file: 'migrations/20240303-session-idp.js',
    text: `module.exports = {
  async up(db) {
    const cursor = db.collection('sessions').find({ idp: null });
    while (await cursor.hasNext()) {
      const session = await cursor.next();
      await db.collection('sessions').updateOne({ _id: session._id }, { $set: { idp: 'legacy' } });
    }
  },
  async down() {},
};
`,
  },
  {
    name: 'mongodb: Promise.all(map) inside withTransaction',
    file: 'migrations/20240404-requested.ts',
    text: `import type { Db, MongoClient } from 'mongodb';

export const up = async (db: Db, client: MongoClient) => {
  const session = client.startSession();
  await session.withTransaction(async () => {
    const products = await db.collection('products').find({}).toArray();
    await Promise.all(products.map(async (p) => {
      await db.collection('products').updateOne({ _id: p._id }, { $set: { requested: true } });
    }));
  });
};
`,
  },
  {
    name: 'pg: SELECT without LIMIT, UPDATE per row',
    file: 'scripts/normalise-emails.ts',
    text: `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function run() {
  const { rows } = await pool.query('SELECT id, email FROM users WHERE verified');
  for (const row of rows) {
    await pool.query('UPDATE users SET email = lower($1) WHERE id = $2', [row.email, row.id]);
  }
}
`,
  },
  {
    name: 'pg: BEGIN with a return that leaves the transaction open',
    file: 'scripts/archive-orders.ts',
    text: `import { Pool } from 'pg';

const pool = new Pool();

export async function archive(limitDate: Date) {
  const client = await pool.connect();
  await client.query('BEGIN');
  const { rowCount } = await client.query('UPDATE orders SET archived = true WHERE created_at < $1', [limitDate]);
  if (rowCount === 0) return 0;
  await client.query('COMMIT');
  client.release();
  return rowCount;
}
`,
  },
  {
    name: 'typeorm: repository find() then save per entity',
    file: 'migrations/1700000000000-DisplayName.ts',
    text: `import { MigrationInterface, QueryRunner } from 'typeorm';

export class DisplayName1700000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const repo = queryRunner.manager.getRepository('User');
    const users = await repo.find();
    for (const u of users) {
      u.displayName = u.firstName + ' ' + u.lastName;
      await repo.save(u);
    }
  }

  async down(): Promise<void> {}
}
`,
  },
  {
    name: 'typeorm: startTransaction, commit, no rollback on error',
    file: 'scripts/typeorm-credits.ts',
    text: `import { DataSource } from 'typeorm';

export async function grantCredits(dataSource: DataSource) {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  await queryRunner.query('UPDATE accounts SET credits = credits + 10 WHERE plan = $1', ['pro']);
  await queryRunner.commitTransaction();
  await queryRunner.release();
}
`,
  },
  {
    name: 'JSX: an admin page module with a backfill action',
    file: 'app/admin/backfill.tsx',
    text: `import { prisma } from '../lib/prisma';

export async function backfillAvatars() {
  const users = await prisma.user.findMany({ where: { avatar: null } });
  for (const user of users) {
    await prisma.user.update({ where: { id: user.id }, data: { avatar: '/default.png' } });
  }
}

export function BackfillButton({ onDone }: { onDone: () => void }) {
  return <button onClick={() => backfillAvatars().then(onDone)}>Backfill avatars</button>;
}
`,
  },
  {
    name: 'Flow: an annotated knex script',
    file: 'migrations/20240505_flow.js',
    text: `// @flow
import type { Knex } from 'knex';

exports.config = { transaction: false };

exports.up = async function (knex: Knex): Promise<void> {
  const rows: Array<{ id: number, name: ?string }> = await knex('teams').select('id', 'name');
  for (const row of rows) {
    await knex('teams').where({ id: row.id }).update({ name: (row.name || '').trim() });
  }
};
`,
  },
];
