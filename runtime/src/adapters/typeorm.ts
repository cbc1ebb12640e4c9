// TypeORM: DataSource.transaction / EntityManager.transaction hand the batch an EntityManager bound
// to one query runner; checkpoints use manager.query with the driver's placeholders.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

interface TypeOrmManagerLike {
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

interface TypeOrmDatabase<Manager> {
  // TypeORM's last overload, the one TypeScript infers Manager from; the one-argument form exists too.
  transaction<T>(isolationLevel: any, run: (manager: Manager) => Promise<T>): Promise<T>;
  readonly options?: { type: string };
  readonly connection?: { options: { type: string } };
}

export interface TypeOrmAdapterOptions extends SqlAdapterOptions {
  isolationLevel?: 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
}

const DOLLAR_DRIVERS = new Set(['postgres', 'cockroachdb', 'aurora-postgres']);
const QUESTION_DRIVERS = new Set(['sqlite', 'better-sqlite3', 'sqljs', 'capacitor', 'cordova', 'expo', 'react-native', 'nativescript', 'mysql', 'mariadb', 'aurora-mysql']);

/** Takes a DataSource or an EntityManager. */
export function typeormAdapter<Manager extends TypeOrmManagerLike>(db: TypeOrmDatabase<Manager>, options: TypeOrmAdapterOptions = {}): Adapter<Manager> {
  const type = db.options?.type ?? db.connection?.options.type ?? 'unknown';
  if (!DOLLAR_DRIVERS.has(type) && !QUESTION_DRIVERS.has(type)) {
    throw new Error(`evolve-runtime: typeormAdapter supports PostgreSQL, SQLite and MySQL data sources; this one is "${type}". Use a database with one of those drivers or open an issue.`);
  }
  return {
    name: 'typeorm',
    transaction: (work) =>
      options.isolationLevel ? db.transaction(options.isolationLevel, work) : (db as unknown as { transaction<T>(run: (m: Manager) => Promise<T>): Promise<T> }).transaction(work),
    checkpoints: sqlCheckpointStore<Manager>(
      {
        placeholders: DOLLAR_DRIVERS.has(type) ? 'dollar' : 'question',
        async query(manager, sql, params) {
          const result = await manager.query(sql, params);
          return sql.startsWith('SELECT') && Array.isArray(result) ? result : [];
        },
      },
      options.checkpointTable,
    ),
  };
}
