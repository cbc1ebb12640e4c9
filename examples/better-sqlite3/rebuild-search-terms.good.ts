// scripts/rebuild-search-terms.ts, the safe way:
//  - eachBatch pages products by id, 1,000 per batch, each batch in one short transaction
//    (one fsync per batch instead of per row), and resumes after the last committed batch,
//  - retagDiscontinued uses db.transaction(fn), which commits on return and rolls back on throw.
import Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';

interface ProductRow {
  id: number;
  name: string;
  brand: string | null;
  category: string;
}

const STOP_WORDS = new Set(['the', 'and', 'with', 'for', 'of']);

function searchTerms(product: ProductRow): string {
  const words = `${product.name} ${product.brand ?? ''} ${product.category}`
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 1 && !STOP_WORDS.has(w));
  return [...new Set(words)].join(' ');
}

async function rebuildSearchTerms(db: Database.Database): Promise<void> {
  const page = db.prepare('SELECT id, name, brand, category FROM products WHERE id > ? ORDER BY id LIMIT ?');
  const update = db.prepare('UPDATE products SET search_terms = ? WHERE id = ?');
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db),
      name: 'rebuild-search-terms',
      size: 1000,
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as ProductRow[],
      key: (row) => row.id,
    },
    (rows) => {
      for (const row of rows) update.run(searchTerms(row), row.id);
    },
  );
}

function retagDiscontinued(db: Database.Database, skus: string[]): void {
  const tag = db.prepare("INSERT INTO product_tags (product_id, tag) SELECT id, 'discontinued' FROM products WHERE sku = ?");
  const hide = db.prepare("UPDATE products SET visible = 0 WHERE id IN (SELECT product_id FROM product_tags WHERE tag = 'discontinued')");
  const retag = db.transaction((list: string[]) => {
    for (const sku of list) tag.run(sku);
    hide.run();
  });
  retag(skus);
}

async function main(): Promise<void> {
  const db = new Database(process.env.SHOP_DB ?? 'shop.sqlite');
  try {
    await rebuildSearchTerms(db);
    retagDiscontinued(db, process.argv.slice(2));
  } finally {
    db.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
