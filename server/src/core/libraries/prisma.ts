import { library } from './model';

// Prisma usually arrives from the app's own `lib/prisma`; models are `prisma.user`.
export const prismaModel = library({
  id: 'prisma',
  modules: /^@prisma\/client|\/prisma$|^\.\.?\/.*\bprisma\b/,
  handleTypes: ['PrismaClient', 'Prisma.TransactionClient'],
  constructors: ['PrismaClient'],
  writeMethods: ['update', 'updateMany', 'create', 'createMany', 'upsert', 'delete', 'deleteMany', '$executeRaw', '$executeRawUnsafe'],
  readMethods: ['findMany', '$queryRaw', '$queryRawUnsafe'],
  limitOptions: ['take', 'first'],
  pageOptions: ['skip', 'cursor'],
  singleRowMethods: ['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'count', 'aggregate'],
  transactionCallbacks: ['$transaction'],
  bulkWriteMethods: ['createMany', 'updateMany', 'deleteMany'],
  sqlMethods: ['$executeRaw', '$executeRawUnsafe', '$queryRaw', '$queryRawUnsafe'],
});
