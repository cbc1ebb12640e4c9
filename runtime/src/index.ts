// evolve-runtime: run data migrations in keyset batches, one commit per batch, with retry on
// conflict, resume from a checkpoint, throttle, cancellation and progress.
export { eachBatch, type BatchBody, type BatchInfo, type EachBatchOptions, type EachBatchSummary } from './each-batch.js';
export { BatchFailedError } from './batch-error.js';
export { retryOnConflict, isConflictError, isTransactionTimeout, backoffDelay, RetriesExhaustedError, type RetryOptions } from './retry.js';
export type { ThrottleOptions } from './throttle.js';
export type { ProgressListener } from './progress.js';
export { REHEARSAL_SINK, type ProgressEvent, type StartProgressEvent, type BatchProgressEvent, type RetryProgressEvent, type EndProgressEvent, type RehearsalSink } from './progress-events.js';
export type { Adapter, Checkpoint, CheckpointStore, SqlAdapterOptions } from './types.js';
export { sqlCheckpointStore, type SqlRunner } from './checkpoint-sql.js';
export { mongoCheckpointStore } from './checkpoint-mongo.js';
export { betterSqlite3Adapter, type BetterSqlite3AdapterOptions } from './adapters/better-sqlite3.js';
export { pgAdapter, type PgAdapterOptions, type PgQueryable } from './adapters/pg.js';
export { pgliteAdapter } from './adapters/pglite.js';
export { knexAdapter, type KnexAdapterOptions } from './adapters/knex.js';
export { kyselyAdapter, type KyselyAdapterOptions } from './adapters/kysely.js';
export { prismaAdapter, type PrismaAdapterOptions } from './adapters/prisma.js';
export { typeormAdapter, type TypeOrmAdapterOptions } from './adapters/typeorm.js';
export { sequelizeAdapter, type SequelizeAdapterOptions } from './adapters/sequelize.js';
export { mongodbAdapter, type MongoAdapterOptions } from './adapters/mongodb.js';
export { mongooseAdapter, type MongooseAdapterOptions } from './adapters/mongoose.js';
