import { library } from './model';

export const sequelizeModel = library({
  id: 'sequelize',
  modules: /^(sequelize|sequelize-typescript|@sequelize\/core)$/,
  handleTypes: ['Sequelize', 'Transaction', 'QueryInterface', 'ModelStatic'],
  constructors: ['Sequelize'],
  writeMethods: ['update', 'create', 'destroy', 'save', 'upsert', 'bulkCreate', 'increment', 'decrement', 'bulkUpdate', 'bulkDelete', 'bulkInsert', 'restore'],
  readMethods: ['findAll', 'findAndCountAll'],
  limitOptions: ['limit'],
  pageOptions: ['offset'],
  singleRowMethods: ['findOne', 'findByPk', 'findOrCreate', 'count'],
  transactionCallbacks: ['transaction'],
  explicitTransactions: [{ open: 'transaction', handle: 'result', commit: ['commit'], rollback: ['rollback'] }],
  bulkWriteMethods: ['bulkCreate', 'bulkInsert', 'bulkUpdate', 'bulkDelete'],
  sqlMethods: ['query'],
});
