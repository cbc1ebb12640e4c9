import { library } from './model';

// Raw SQL through any client: the statement's text decides read, write or transaction control.
export const rawSqlModel = library({
  id: 'raw-sql',
  modules: /^(mysql2?|mysql2\/promise|mssql|tedious|oracledb|@neondatabase\/serverless|@vercel\/postgres|@planetscale\/database|@libsql\/client)$/,
  sqlMethods: ['query', 'execute', 'exec', 'run', 'raw', 'sql', 'runQuery', 'execQuery', 'executeSql', 'executeQuery', 'rawQuery', 'queryRaw', 'executeRaw', 'unsafe'],
});
