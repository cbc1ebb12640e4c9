import { library } from './model';

// better-sqlite3: `db.prepare(sql)` returns a statement run with run()/all()/get()/iterate();
// `db.transaction(fn)` returns a function that runs fn in one transaction when called.
export const betterSqlite3Model = library({
  id: 'better-sqlite3',
  modules: /^(better-sqlite3|sqlite3|sqlite|bun:sqlite|node:sqlite)$/,
  handleTypes: ['Database', 'Statement', 'DatabaseSync'],
  constructors: ['Database', 'DatabaseSync'],
  readMethods: ['all'],
  cursorMethods: ['iterate', 'each'],
  singleRowMethods: ['get'],
  transactionCallbacks: ['transaction'],
  sqlMethods: ['prepare', 'exec', 'run', 'all', 'get', 'each'],
  synchronous: true,
});
