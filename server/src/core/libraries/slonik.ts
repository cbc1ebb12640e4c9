import { library } from './model';

// slonik: `pool.any(sql.type(...)`...`)`, `pool.transaction(async (tx) => ...)`.
export const slonikModel = library({
  id: 'slonik',
  modules: /^slonik$/,
  handleTypes: ['DatabasePool', 'DatabaseTransactionConnection', 'DatabaseConnection', 'CommonQueryMethods'],
  constructors: ['createPool'],
  readMethods: ['any', 'many', 'anyFirst', 'manyFirst'],
  cursorMethods: ['stream'],
  singleRowMethods: ['one', 'maybeOne', 'oneFirst', 'maybeOneFirst', 'exists'],
  transactionCallbacks: ['transaction', 'connect'],
  sqlMethods: ['query', 'any', 'many', 'one', 'maybeOne', 'anyFirst', 'manyFirst', 'oneFirst', 'maybeOneFirst', 'exists'],
});
