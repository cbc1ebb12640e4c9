import { library } from './model';

// TypeORM: repositories, the EntityManager, query builders, and QueryRunner in migrations.
export const typeormModel = library({
  id: 'typeorm',
  modules: /^typeorm$/,
  handleTypes: ['DataSource', 'Connection', 'EntityManager', 'QueryRunner', 'Repository', 'SelectQueryBuilder'],
  constructors: ['DataSource', 'createConnection'],
  writeMethods: ['save', 'insert', 'update', 'delete', 'remove', 'softDelete', 'restore', 'upsert', 'increment', 'decrement', 'softRemove'],
  readMethods: ['find', 'findBy', 'findAndCount', 'findAndCountBy', 'getMany', 'getRawMany', 'getManyAndCount'],
  cursorMethods: ['stream'],
  limitMethods: ['take', 'limit'],
  limitOptions: ['take', 'limit'],
  pageOptions: ['skip', 'offset'],
  singleRowMethods: ['findOne', 'findOneBy', 'findOneOrFail', 'findOneByOrFail', 'getOne', 'getRawOne', 'getCount', 'count'],
  transactionCallbacks: ['transaction'],
  explicitTransactions: [
    { open: 'startTransaction', handle: 'receiver', commit: ['commitTransaction'], rollback: ['rollbackTransaction'] },
  ],
  sqlMethods: ['query'],
});
