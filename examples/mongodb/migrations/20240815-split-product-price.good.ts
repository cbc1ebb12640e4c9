// migrate-mongo migration, the safe way: reads products in _id order, 1,000 at a time, and
// sends each page as ONE unordered bulkWrite: a thousand times fewer round trips, and a re-run
// simply continues with the products that still have a string price.
import type { AnyBulkWriteOperation, Db, ObjectId } from 'mongodb';

const PAGE_SIZE = 1000;

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
  let after: ObjectId | undefined;
  for (;;) {
    const page = await products
      .find({ price: { $exists: true }, ...(after ? { _id: { $gt: after } } : {}) })
      .sort({ _id: 1 })
      .limit(PAGE_SIZE)
      .toArray();
    if (page.length === 0) break;
    const ops: AnyBulkWriteOperation<ProductDoc>[] = page.map((product) => ({
      updateOne: {
        filter: { _id: product._id },
        update: { $set: parsePrice(product.price ?? ''), $unset: { price: '' } },
      },
    }));
    await products.bulkWrite(ops, { ordered: false });
    after = page[page.length - 1]._id;
  }
}

export async function down(): Promise<void> {
  // The old string price cannot be rebuilt exactly; restore from the pre-migration snapshot.
}
