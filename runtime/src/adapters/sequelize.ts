// Sequelize: a managed transaction (sequelize.transaction(options, fn)) commits when fn resolves.
// The batch gets the Transaction object: pass it on as { transaction: tx }. Checkpoint queries use
// `?` replacements, which Sequelize escapes itself for every dialect.
import { sqlCheckpointStore } from '../checkpoint-sql.js';
import type { Adapter, SqlAdapterOptions } from '../types.js';

interface SequelizeLike {
  transaction<T>(options: object, run: (t: any) => PromiseLike<T>): Promise<T>;
  query(sql: string, options: any): Promise<any>;
}

export interface SequelizeAdapterOptions extends SqlAdapterOptions {
  /** A Sequelize Transaction.ISOLATION_LEVELS value, e.g. 'SERIALIZABLE'. */
  isolationLevel?: 'READ UNCOMMITTED' | 'READ COMMITTED' | 'REPEATABLE READ' | 'SERIALIZABLE';
}

/** Tx is Sequelize's Transaction; name it (`sequelizeAdapter<Transaction>(sequelize)`) for typed batches. */
export function sequelizeAdapter<Tx = any>(sequelize: SequelizeLike, options: SequelizeAdapterOptions = {}): Adapter<Tx> {
  const transactionOptions = options.isolationLevel ? { isolationLevel: options.isolationLevel } : {};
  return {
    name: 'sequelize',
    transaction: (work) => sequelize.transaction(transactionOptions, (t: Tx) => work(t)),
    checkpoints: sqlCheckpointStore<Tx>(
      {
        placeholders: 'question',
        async query(transaction, sql, replacements) {
          const isSelect = sql.startsWith('SELECT');
          const result = await sequelize.query(sql, { replacements, transaction, ...(isSelect ? { type: 'SELECT' } : {}) });
          return isSelect ? result : [];
        },
      },
      options.checkpointTable,
    ),
  };
}
