// scripts/backfill-article-slugs.ts: gives every article a slug and a word count for the new
// URL scheme. Two hazards:
//  - every article without a slug is selected at once (bodies included) and updated one by one,
//  - the revision clean-up pages with LIMIT inside ONE db.transaction, so none of the pages
//    commit until the whole table is done.
import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { articleRevisions, articles, countWords, db, slugify } from './lib/schema';

const PAGE_SIZE = 2000;

async function backfillSlugs(): Promise<number> {
  const rows = await db.select({ id: articles.id, title: articles.title, body: articles.body }).from(articles).where(isNull(articles.slug));
  // expect: unbatched-loop
  for (const row of rows) {
    await db
      .update(articles)
      .set({ slug: `${slugify(row.title)}-${row.id}`, wordCount: countWords(row.body) })
      .where(eq(articles.id, row.id));
  }
  return rows.length;
}

async function pruneOldRevisions(): Promise<void> {
  await db.transaction(async (tx) => {
    let lastId = 0;
    // expect: missing-commit
    while (true) {
      const page = await tx
        .select({ id: articleRevisions.id })
        .from(articleRevisions)
        .where(and(gt(articleRevisions.id, lastId), lt(articleRevisions.createdAt, sql`now() - interval '2 years'`)))
        .orderBy(asc(articleRevisions.id))
        .limit(PAGE_SIZE);
      if (page.length === 0) break;
      await tx.delete(articleRevisions).where(inArray(articleRevisions.id, page.map((r) => r.id)));
      lastId = page[page.length - 1].id;
    }
  });
}

async function main(): Promise<void> {
  console.log(`slugged ${await backfillSlugs()} articles`);
  await pruneOldRevisions();
  await db.$client.end();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
