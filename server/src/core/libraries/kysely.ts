import { library } from './model';

// Kysely builds queries that run at `execute()`; `db.transaction().execute(cb)` commits when cb returns,
// `db.startTransaction().execute()` returns a handle committed with `trx.commit().execute()`.
export const kyselyModel = library({
  id: 'kysely',
  modules: /^kysely$/,
  handleTypes: ['Kysely', 'Transaction', 'ControlledTransaction'],
  constructors: ['Kysely'],
  writeMethods: ['updateTable', 'insertInto', 'deleteFrom', 'replaceInto', 'mergeInto'],
  readMethods: ['selectFrom'],
  cursorMethods: ['stream'],
  limitMethods: ['limit', 'executeTakeFirst', 'executeTakeFirstOrThrow'],
  pageOptions: ['offset'],
  singleRowMethods: ['executeTakeFirst', 'executeTakeFirstOrThrow'],
  transactionCallbacks: ['transaction'],
  explicitTransactions: [{ open: 'startTransaction', handle: 'result', commit: ['commit'], rollback: ['rollback'] }],
});
