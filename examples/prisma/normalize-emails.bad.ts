// scripts/normalize-emails.ts: lower-cases User.email before the case-insensitive unique
// constraint ships, and downgrades legacy subscriptions. Two hazards:
//  - every user is loaded with one findMany (no take) and updated one by one,
//  - the subscription pass pages with take/cursor, which looks batched, but all pages run inside
//    ONE interactive $transaction: nothing commits until the end and the locks pile up.
import { prisma, type User } from './lib/prisma';

const PAGE_SIZE = 500;

function normalizedEmail(user: Pick<User, 'email'>): string {
  return user.email.trim().toLowerCase();
}

async function normalizeEmails(): Promise<number> {
  const users = await prisma.user.findMany({ select: { id: true, email: true } });
  const dirty = users.filter((u) => u.email !== normalizedEmail(u));
  // expect: unbatched-loop
  for (const user of dirty) {
    await prisma.user.update({ where: { id: user.id }, data: { email: normalizedEmail(user) } });
  }
  return dirty.length;
}

async function downgradeLegacyPlans(): Promise<number> {
  return prisma.$transaction(async (tx) => {
    let moved = 0;
    let cursor: string | undefined;
    // expect: missing-commit
    do {
      const page = await tx.subscription.findMany({
        where: { plan: 'legacy' },
        orderBy: { id: 'asc' },
        take: PAGE_SIZE,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      if (page.length === 0) break;
      await tx.subscription.updateMany({ where: { id: { in: page.map((s) => s.id) } }, data: { plan: 'starter' } });
      moved += page.length;
      cursor = page[page.length - 1].id;
    } while (cursor);
    return moved;
  }, { timeout: 600_000 });
}

async function main(): Promise<void> {
  console.log(`normalized ${await normalizeEmails()} emails`);
  console.log(`downgraded ${await downgradeLegacyPlans()} legacy subscriptions`);
  await prisma.$disconnect();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
