// typeormAdapter (DataSource and EntityManager) on a better-sqlite3 file and on PostgreSQL, and
// sequelizeAdapter on PostgreSQL (Sequelize's SQLite dialect needs the sqlite3 package, not installed).
import 'reflect-metadata';
import { join } from 'node:path';
import test from 'node:test';
import { Sequelize, Transaction, QueryTypes } from 'sequelize';
import { DataSource, type EntityManager } from 'typeorm';
import { sequelizeAdapter, typeormAdapter } from '../../runtime/src/index.js';
import { checkAdapterContract } from './adapter-contract.js';
import { createPgDatabase, seedPgUrl, seedSqlite, tempDir, type Item } from './helpers.js';

async function checkTypeOrm(dataSource: DataSource, viaManager: boolean) {
  await checkAdapterContract({
    adapter: viaManager ? typeormAdapter(dataSource.manager) : typeormAdapter(dataSource),
    fetch: (after, size, manager: EntityManager) =>
      manager.createQueryBuilder().select('*').from('items', 'items').where('id > :after', { after: after ?? 0 }).orderBy('id').limit(size).getRawMany<Item>(),
    update: (rows, manager) =>
      manager.createQueryBuilder().update('items').set({ value: () => 'value * 2 + 1', touched: () => 'touched + 1' }).where('id IN (:...ids)', { ids: rows.map((r) => r.id) }).execute(),
    readAll: () => dataSource.query('SELECT * FROM items ORDER BY id'),
  });
}

test('typeormAdapter on better-sqlite3 (DataSource) and via its EntityManager', async (t) => {
  for (const viaManager of [false, true]) {
    const file = join(tempDir(t), 'app.db');
    seedSqlite(file, 250).close();
    const dataSource = await new DataSource({ type: 'better-sqlite3', database: file }).initialize();
    try {
      await checkTypeOrm(dataSource, viaManager);
    } finally {
      await dataSource.destroy();
    }
  }
});

test('typeormAdapter and sequelizeAdapter on PostgreSQL', async (t) => {
  const typeormDb = await createPgDatabase('evolve_rt_typeorm');
  if ('skip' in typeormDb) return t.skip(typeormDb.skip);
  const sequelizeDb = await createPgDatabase('evolve_rt_sequelize');
  if ('skip' in sequelizeDb) return t.skip(sequelizeDb.skip);
  const dataSource = new DataSource({ type: 'postgres', url: typeormDb.url });
  const sequelize = new Sequelize(sequelizeDb.url, { logging: false });
  try {
    await seedPgUrl(typeormDb.url, 250);
    await dataSource.initialize();
    await checkTypeOrm(dataSource, false);

    await seedPgUrl(sequelizeDb.url, 250);
    await checkAdapterContract({
      adapter: sequelizeAdapter<Transaction>(sequelize),
      fetch: (after, size, transaction) =>
        sequelize.query<Item>('SELECT * FROM items WHERE id > ? ORDER BY id LIMIT ?', { replacements: [after ?? 0, size], type: QueryTypes.SELECT, transaction }),
      update: (rows, transaction) =>
        sequelize.query('UPDATE items SET value = value * 2 + 1, touched = touched + 1 WHERE id IN (?)', { replacements: [rows.map((r) => r.id)], transaction }),
      readAll: () => sequelize.query<Item>('SELECT * FROM items ORDER BY id', { type: QueryTypes.SELECT }),
    });
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await sequelize.close();
    await typeormDb.drop();
    await sequelizeDb.drop();
  }
});
