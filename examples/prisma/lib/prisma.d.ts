// Types of the app's shared Prisma client (`lib/prisma.ts` in most Prisma apps exports
// `prisma = globalForPrisma.prisma ?? new PrismaClient()`). @prisma/client is generated per schema
// and needs its engines downloaded, so the examples type-check against this slice of the
// generated client for the `User` and `Subscription` models.

export interface User {
  id: number;
  email: string;
  emailVerified: boolean;
  marketingOptIn: boolean;
  createdAt: Date;
}

export interface Subscription {
  id: string;
  userId: number;
  plan: 'legacy' | 'starter' | 'pro';
  seats: number;
  renewsAt: Date | null;
}

type Where<T> = { [K in keyof T]?: T[K] | { not?: T[K]; in?: T[K][]; gt?: T[K]; lt?: T[K]; contains?: string } };

interface FindManyArgs<T, K> {
  where?: Where<T>;
  select?: { [P in keyof T]?: boolean };
  orderBy?: { [P in keyof T]?: 'asc' | 'desc' };
  take?: number;
  skip?: number;
  cursor?: { id: K };
}

export interface ModelDelegate<T extends { id: K }, K> {
  findMany(args?: FindManyArgs<T, K>): Promise<T[]>;
  findUnique(args: { where: { id: K } }): Promise<T | null>;
  update(args: { where: { id: K }; data: Partial<T> }): Promise<T>;
  updateMany(args: { where?: Where<T>; data: Partial<T> }): Promise<{ count: number }>;
  create(args: { data: Omit<T, 'id'> }): Promise<T>;
  deleteMany(args: { where?: Where<T> }): Promise<{ count: number }>;
}

export interface TransactionClient {
  user: ModelDelegate<User, number>;
  subscription: ModelDelegate<Subscription, string>;
  $executeRaw(query: TemplateStringsArray, ...values: unknown[]): Promise<number>;
}

export interface PrismaClient extends TransactionClient {
  $transaction<R>(fn: (tx: TransactionClient) => Promise<R>, options?: { timeout?: number }): Promise<R>;
  $disconnect(): Promise<void>;
}

export declare const prisma: PrismaClient;
