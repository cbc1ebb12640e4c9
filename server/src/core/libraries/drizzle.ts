import { library } from './model';

// Drizzle: `db.select().from(t)`, `db.update(t).set(...)`, `db.execute(sql\`...\`)`.
export const drizzleModel = library({
  id: 'drizzle',
  modules: /^drizzle-orm/,
  handleTypes: ['NodePgDatabase', 'PostgresJsDatabase', 'BetterSQLite3Database', 'LibSQLDatabase', 'MySql2Database', 'PgTransaction'],
  constructors: ['drizzle'],
  writeMethods: ['update', 'insert', 'delete'],
  readMethods: ['select', 'selectDistinct', 'findMany'],
  limitMethods: ['limit'],
  limitOptions: ['limit'],
  pageOptions: ['offset'],
  singleRowMethods: ['findFirst'],
  transactionCallbacks: ['transaction'],
  sqlMethods: ['execute', 'run', 'all', 'get', 'values'],
});
