// scripts/rebuild-search-terms.ts: recomputes products.search_terms for the new search box
// on the shop's SQLite database. Two hazards:
//  - rebuildSearchTerms loads every product with .all() and runs one UPDATE per product, in
//    autocommit: one fsync per row, and the writer lock is taken and released 200,000 times,
//  - retagDiscontinued opens BEGIN by hand and commits, but an exception skips the COMMIT and
//    never rolls back, so the connection stays inside the transaction and every later write fails.
import Database from 'better-sqlite3';

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

function rebuildSearchTerms(db: Database.Database): void {
  const products = db.prepare('SELECT id, name, brand, category FROM products').all() as ProductRow[];
  const update = db.prepare('UPDATE products SET search_terms = ? WHERE id = ?');
  // expect: unbatched-loop
  for (const product of products) {
    update.run(searchTerms(product), product.id);
  }
}

function retagDiscontinued(db: Database.Database, skus: string[]): void {
  // expect: missing-commit
  db.exec('BEGIN');
  const tag = db.prepare("INSERT INTO product_tags (product_id, tag) SELECT id, 'discontinued' FROM products WHERE sku = ?");
  for (const sku of skus) tag.run(sku);
  db.prepare("UPDATE products SET visible = 0 WHERE id IN (SELECT product_id FROM product_tags WHERE tag = 'discontinued')").run();
  db.exec('COMMIT');
}

const db = new Database(process.env.SHOP_DB ?? 'shop.sqlite');
rebuildSearchTerms(db);
retagDiscontinued(db, process.argv.slice(2));
db.close();
