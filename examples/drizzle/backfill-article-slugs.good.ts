// scripts/backfill-article-slugs.ts, the safe way (Drizzle has no eachBatch adapter, so the
// keyset loop is written by hand): each page of 500 articles is read after the last id with
// LIMIT and written in its own db.transaction, and the revision clean-up deletes page by page
// in autocommit, so every page commits as soon as it is done.
import { and, asc, eq, gt, inArray, isNull, lt, sql } from 'drizzle-orm';
import { articleRevisions, articles, countWords, db, slugify, type Db } from './lib/schema';

const PAGE_SIZE = 500;

async function nextPage(database: Db, afterId: number) {
  return database
    .select({ id: articles.id, title: articles.title, body: articles.body })
    .from(articles)
    .where(and(isNull(articles.slug), gt(articles.id, afterId)))
    .orderBy(asc(articles.id))
    .limit(PAGE_SIZE);
}

async function backfillSlugs(): Promise<number> {
  let done = 0;
  let lastId = 0;
  for (let page = await nextPage(db, lastId); page.length > 0; page = await nextPage(db, lastId)) {
    await db.transaction(async (tx) => {
      for (const row of page) {
        await tx
          .update(articles)
          .set({ slug: `${slugify(row.title)}-${row.id}`, wordCount: countWords(row.body) })
          .where(eq(articles.id, row.id));
      }
    });
    done += page.length;
    lastId = page[page.length - 1].id;
  }
  return done;
}

async function pruneOldRevisions(): Promise<void> {
  let lastId = 0;
  while (true) {
    const page = await db
      .select({ id: articleRevisions.id })
      .from(articleRevisions)
      .where(and(gt(articleRevisions.id, lastId), lt(articleRevisions.createdAt, sql`now() - interval '2 years'`)))
      .orderBy(asc(articleRevisions.id))
      .limit(PAGE_SIZE * 4);
    if (page.length === 0) break;
    await db.delete(articleRevisions).where(inArray(articleRevisions.id, page.map((r) => r.id)));
    lastId = page[page.length - 1].id;
  }
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
