// The one list of library models, and the vocabulary the rules use, merged from all of them.
import { betterSqlite3Model } from './better-sqlite3';
import { drizzleModel } from './drizzle';
import { knexModel } from './knex';
import { kyselyModel } from './kysely';
import type { ExplicitTransactionShape, LibraryId, LibraryModel } from './model';
import { mongodbModel } from './mongodb';
import { mongooseModel } from './mongoose';
import { pgModel } from './pg';
import { prismaModel } from './prisma';
import { rawSqlModel } from './raw-sql';
import { sequelizeModel } from './sequelize';
import { slonikModel } from './slonik';
import { typeormModel } from './typeorm';

export type { LibraryId, LibraryModel } from './model';

export const LIBRARIES: readonly LibraryModel[] = [
  knexModel,
  kyselyModel,
  pgModel,
  betterSqlite3Model,
  prismaModel,
  typeormModel,
  sequelizeModel,
  mongodbModel,
  mongooseModel,
  slonikModel,
  drizzleModel,
  rawSqlModel,
];

/** Write method names shared by most data layers, used whatever the library (scripts rarely import it). */
const GENERIC_WRITES = [
  'update', 'updateOne', 'updateMany', 'updateAll', 'updateById', 'insert', 'insertOne', 'insertMany', 'delete', 'deleteOne',
  'deleteMany', 'deleteById', 'del', 'save', 'create', 'createMany', 'upsert', 'bulkWrite', 'bulkCreate', 'destroy', 'remove',
  'replaceOne', 'patch', 'patchAndFetchById', 'updateAndFetchById', 'insertGraph', 'upsertGraph', 'persistAndFlush',
  'findOneAndUpdate', 'findOneAndReplace', 'findOneAndDelete', 'findByIdAndUpdate', 'findByIdAndDelete', 'findByIdAndRemove',
];

function union(pick: (m: LibraryModel) => string[], extra: string[] = []): Set<string> {
  const out = new Set(extra);
  for (const m of LIBRARIES) for (const n of pick(m)) out.add(n);
  return out;
}

export interface Vocabulary {
  writeMethods: Set<string>;
  readMethods: Set<string>;
  cursorMethods: Set<string>;
  limitMethods: Set<string>;
  limitOptions: Set<string>;
  pageOptions: Set<string>;
  singleRowMethods: Set<string>;
  transactionCallbacks: Set<string>;
  explicitTransactions: ExplicitTransactionShape[];
  bulkWriteMethods: Set<string>;
  sqlMethods: Set<string>;
  handleTypes: Map<string, LibraryId>;
  constructors: Map<string, LibraryId>;
  /** Libraries whose calls return results rather than promises. */
  synchronousLibraries: Set<LibraryId>;
  /** Page options and methods that skip a count of rows (as opposed to keyset `cursor`/`after`). */
  offsetOptions: Set<string>;
  /** Page options that continue after a key: with them, a `skip: 1` steps over the cursor row only. */
  keysetOptions: Set<string>;
  /** Schema-changing builder methods (`knex.schema.alterTable`, `queryInterface.addColumn`). */
  ddlMethods: Set<string>;
}

export const VOCABULARY: Vocabulary = {
  writeMethods: union((m) => m.writeMethods, GENERIC_WRITES),
  readMethods: union((m) => m.readMethods, ['find', 'findMany', 'findAll', 'toArray', 'getMany', 'all']),
  cursorMethods: union((m) => m.cursorMethods),
  limitMethods: union((m) => m.limitMethods, ['limit', 'take', 'first', 'top']),
  limitOptions: union((m) => m.limitOptions, ['limit', 'take', 'first', 'perPage', 'pageSize', 'top']),
  pageOptions: union((m) => m.pageOptions, ['skip', 'offset', 'cursor', 'after', 'page']),
  singleRowMethods: union((m) => m.singleRowMethods, ['findOne', 'findById', 'findByPk', 'findUnique', 'findFirst', 'first', 'get', 'one', 'count']),
  transactionCallbacks: union((m) => m.transactionCallbacks),
  explicitTransactions: LIBRARIES.flatMap((m) => m.explicitTransactions),
  bulkWriteMethods: union((m) => m.bulkWriteMethods),
  sqlMethods: union((m) => m.sqlMethods),
  handleTypes: new Map(LIBRARIES.flatMap((m) => m.handleTypes.map((t) => [t, m.id] as const))),
  constructors: new Map(LIBRARIES.flatMap((m) => m.constructors.map((c) => [c, m.id] as const))),
  synchronousLibraries: new Set(LIBRARIES.filter((m) => m.synchronous).map((m) => m.id)),
  offsetOptions: new Set(['skip', 'offset', 'page']),
  keysetOptions: new Set(['cursor', 'after', 'searchAfter']),
  ddlMethods: new Set([
    'createTable', 'createTableIfNotExists', 'alterTable', 'table', 'dropTable', 'dropTableIfExists', 'renameTable', 'addColumn',
    'addColumns', 'removeColumn', 'dropColumn', 'dropColumns', 'changeColumn', 'renameColumn', 'addIndex', 'createIndex',
    'removeIndex', 'dropIndex', 'addConstraint', 'removeConstraint', 'createForeignKey', 'dropForeignKey', 'addUniqueConstraint',
    'createPrimaryKey', 'dropPrimaryKey', 'createView', 'dropView', 'createType', 'dropType',
  ]),
};

/** Which libraries a file imports (by module specifier). */
export function librariesImported(specifiers: readonly string[]): LibraryId[] {
  const ids = new Set<LibraryId>();
  for (const s of specifiers) for (const m of LIBRARIES) if (m.modules.test(s)) ids.add(m.id);
  return [...ids];
}

// Look-alikes: values whose `update`/`delete`/`create` are not database writes.
/** Modules whose clients are HTTP, payment, cache or other non-database services. */
export const NON_DB_MODULES =
  /^(stripe|axios|got|node-fetch|undici|superagent|ky|@octokit\/.*|octokit|@sendgrid\/.*|nodemailer|twilio|openai|@anthropic-ai\/.*|googleapis|@google-cloud\/.*|aws-sdk|@aws-sdk\/.*|@slack\/.*|ioredis|redis|cli-progress|progress|ora|listr2?|crypto|node:crypto|lru-cache|@paypal\/.*|braintree|algoliasearch|@elastic\/elasticsearch|posthog-node|analytics-node|@segment\/.*|resend|postmark|mailgun\.js|@mailchimp\/.*)$/;
/** Constructors and factories of non-database values. */
export const NON_DB_CONSTRUCTORS = new Set([
  'Map', 'Set', 'WeakMap', 'WeakSet', 'URLSearchParams', 'Headers', 'FormData', 'Stripe', 'SingleBar', 'MultiBar', 'ProgressBar',
  'Bar', 'createHash', 'createHmac', 'createCipheriv', 'createDecipheriv', 'Octokit', 'Redis', 'createClient', 'LRUCache', 'EventEmitter',
  'Date', 'Array', 'Object', 'Error', 'Promise', 'Buffer', 'AbortController', 'Intl',
  // Write accumulators whose update/set/delete only queue work until commit()/execute().
  'batch', 'writeBatch', 'initializeUnorderedBulkOp', 'initializeOrderedBulkOp',
]);
/** Receiver names that, lacking better evidence, are not databases. */
export const NON_DB_NAMES =
  /^(stripe|axios|http|https|fetch|octokit|github|slack|mailer|sendgrid|twilio|openai|s3|sqs|sns|redis|cache|bar|progress|progressBar|pb|spinner|hash|hasher|hmac|cipher|bus|emitter|events|queue|res|response|req|request|router|app|console|logger|log|set|map|seen|visited|processed|ids|url|params|searchParams|headers|form|formData|document|window|element|el|node|tree|graph|list|array|arr|buffer|stream|file|fs|path|Object|Array|JSON|Math|Promise|Reflect|process)$/i;
