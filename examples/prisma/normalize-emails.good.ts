// scripts/normalize-emails.ts, the safe way:
//  - eachBatch pages users by id (take + keyset), each batch of 500 in its own transaction,
//    and resumes after the last committed batch,
//  - the legacy-plan pass is one set-based updateMany: the database does it in one statement.
import { eachBatch, prismaAdapter } from 'evolve-runtime';
import { prisma, type TransactionClient, type User } from './lib/prisma';

function normalizedEmail(user: Pick<User, 'email'>): string {
  return user.email.trim().toLowerCase();
}

async function normalizeEmails(): Promise<void> {
  await eachBatch(
    {
      adapter: prismaAdapter(prisma),
      name: 'normalize-emails',
      size: 500,
      fetch: (after: number | undefined, size: number, tx: TransactionClient) =>
        tx.user.findMany({ where: { id: { gt: after ?? 0 } }, orderBy: { id: 'asc' }, take: size }),
      key: (user) => user.id,
    },
    async (users, tx: TransactionClient) => {
      for (const user of users) {
        if (user.email === normalizedEmail(user)) continue;
        await tx.user.update({ where: { id: user.id }, data: { email: normalizedEmail(user) } });
      }
    },
  );
}

async function downgradeLegacyPlans(): Promise<number> {
  const { count } = await prisma.subscription.updateMany({ where: { plan: 'legacy' }, data: { plan: 'starter' } });
  return count;
}

async function main(): Promise<void> {
  await normalizeEmails();
  console.log(`downgraded ${await downgradeLegacyPlans()} legacy subscriptions`);
  await prisma.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
