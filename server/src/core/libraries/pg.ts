import { library } from './model';

// node-postgres: everything is `query(sql, params)`; transactions are raw BEGIN/COMMIT on one client.
export const pgModel = library({
  id: 'pg',
  modules: /^(pg|pg-pool|postgres|pg-promise)$/,
  handleTypes: ['Pool', 'PoolClient', 'Client', 'ClientBase', 'IDatabase', 'Sql'],
  constructors: ['Pool', 'Client', 'pgp', 'postgres'],
  readMethods: ['manyOrNone', 'any', 'many', 'map', 'each'],
  singleRowMethods: ['one', 'oneOrNone'],
  cursorMethods: ['cursor'],
  transactionCallbacks: ['tx', 'begin'],
  sqlMethods: ['query', 'none', 'any', 'many', 'manyOrNone', 'one', 'oneOrNone', 'result', 'unsafe'],
});
