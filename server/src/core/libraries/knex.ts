import { library } from './model';

// knex arrives as `up(knex)` in migrations, or as `knex(config)`. `knex('table')` is a query builder
// that runs when awaited.
export const knexModel = library({
  id: 'knex',
  modules: /^knex$/,
  handleTypes: ['Knex', 'Knex.Transaction', 'Transaction'],
  constructors: ['knex', 'Knex'],
  writeMethods: ['update', 'insert', 'del', 'delete', 'upsert', 'increment', 'decrement', 'truncate'],
  readMethods: ['select', 'pluck', 'from', 'where', 'whereIn', 'whereNull', 'whereNotNull', 'join', 'leftJoin', 'distinct'],
  cursorMethods: ['stream'],
  limitMethods: ['limit', 'first'],
  pageOptions: ['offset'],
  singleRowMethods: ['first'],
  transactionCallbacks: ['transaction'],
  explicitTransactions: [{ open: 'transaction', handle: 'result', commit: ['commit'], rollback: ['rollback'] }],
  bulkWriteMethods: ['batchInsert'],
  sqlMethods: ['raw'],
});
