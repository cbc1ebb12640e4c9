// migrate-mongo migration: splits products.price ("12.50 EUR") into priceCents and currency.
// It walks the whole collection with a cursor and sends one updateOne per product: a million
// round trips, no progress record, and a crash halfway leaves half the catalogue migrated with
// no way to tell where it stopped.
import type { Db, ObjectId } from 'mongodb';

interface ProductDoc {
  _id: ObjectId;
  sku: string;
  price?: string;
  priceCents?: number;
  currency?: string;
}

function parsePrice(price: string): { priceCents: number; currency: string } {
  const match = /^\s*(\d+)(?:[.,](\d{1,2}))?\s*([A-Z]{3})\s*$/.exec(price);
  if (!match) throw new Error(`Unparseable price "${price}": fix it in the admin before migrating.`);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '0').padEnd(2, '0'));
  return { priceCents: cents, currency: match[3] };
}

export async function up(db: Db): Promise<void> {
  const products = db.collection<ProductDoc>('products');
  const cursor = products.find({ price: { $exists: true } });
  // expect: unbatched-loop
  for await (const product of cursor) {
    if (!product.price) continue;
    await products.updateOne({ _id: product._id }, { $set: parsePrice(product.price), $unset: { price: '' } });
  }
}

export async function down(): Promise<void> {
  // The old string price cannot be rebuilt exactly; restore from the pre-migration snapshot.
}
