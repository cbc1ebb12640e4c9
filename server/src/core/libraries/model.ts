// What the analysis knows about one database library. Rules never name a library: they use the
// vocabulary merged from every model in ./index.ts, so adding a library touches no rule.

export type LibraryId =
  | 'knex'
  | 'kysely'
  | 'pg'
  | 'better-sqlite3'
  | 'prisma'
  | 'typeorm'
  | 'sequelize'
  | 'mongodb'
  | 'mongoose'
  | 'slonik'
  | 'drizzle'
  | 'raw-sql';

/** A transaction opened as a handle that the script must commit or roll back itself. */
export interface ExplicitTransactionShape {
  /** Method that opens it: `transaction` (knex/sequelize without callback), `startTransaction`. */
  open: string;
  /** Whether the handle is the call's result (`const trx = await knex.transaction()`) or its receiver (`queryRunner.startTransaction()`). */
  handle: 'result' | 'receiver';
  commit: string[];
  rollback: string[];
}

export interface LibraryModel {
  id: LibraryId;
  /** Import specifiers that mean the file uses this library. */
  modules: RegExp;
  /** Type names in annotations that mark a value as this library's handle (`Knex`, `QueryRunner`). */
  handleTypes: string[];
  /** Calls that create a handle: `new PrismaClient()`, `knex({...})`, `new Pool()`. */
  constructors: string[];
  /** Methods that write. */
  writeMethods: string[];
  /** Methods that read many rows or return a cursor (unbounded unless limited). */
  readMethods: string[];
  /** Methods whose result is a cursor to iterate rather than an array. */
  cursorMethods: string[];
  /** Methods and option keys that bound a read: `limit(n)`, `{ take }`, `first()`. */
  limitMethods: string[];
  limitOptions: string[];
  /** Options and methods that page: `skip`, `offset`, `cursor`. */
  pageOptions: string[];
  /** Methods that return one row (bounded). */
  singleRowMethods: string[];
  /** Methods that run a callback inside one transaction that commits when the callback returns. */
  transactionCallbacks: string[];
  explicitTransactions: ExplicitTransactionShape[];
  /** Writes that batch by themselves (`batchInsert`, `bulkWrite`, `insertMany`). */
  bulkWriteMethods: string[];
  /** Methods that take SQL text as their first argument. */
  sqlMethods: string[];
  /** Calls return results, not promises: a call without `await` is not a floating write. */
  synchronous: boolean;
}

export function library(partial: Partial<LibraryModel> & Pick<LibraryModel, 'id' | 'modules'>): LibraryModel {
  return {
    handleTypes: [],
    constructors: [],
    writeMethods: [],
    readMethods: [],
    cursorMethods: [],
    limitMethods: [],
    limitOptions: [],
    pageOptions: [],
    singleRowMethods: [],
    transactionCallbacks: [],
    explicitTransactions: [],
    bulkWriteMethods: [],
    sqlMethods: [],
    synchronous: false,
    ...partial,
  };
}
