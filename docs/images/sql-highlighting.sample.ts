// scripts/archive-stale-orders.ts: the code rendered in sql-highlighting.png
import { eachBatch, pgAdapter } from 'evolve-runtime';
import { pool, sql } from './db';

await eachBatch(
  {
    adapter: pgAdapter(pool),
    name: 'archive-stale-orders',
    size: 500,
    fetch: async (after, size, tx) => {
      const { rows } = await tx.query<OrderRow>(
        'SELECT id, status FROM orders WHERE id > $1 ORDER BY id LIMIT $2',
        [after ?? 0, size],
      );
      return rows;
    },
    key: (row) => row.id,
  },
  async (rows, tx) => {
    const ids = rows.map((row) => row.id);
    await tx.query(sql`
      INSERT INTO orders_archive (id, status, archived_at)
      SELECT id, status, now() FROM orders
      WHERE id = ANY(${ids}) -- only this batch's rows
    `);
    await tx.query('DELETE FROM orders WHERE id = ANY($1)', [ids]);
  },
);

// evolve-disable-next-line unbatched-loop -- 12 regions, a fixed list
for (const region of (await pool.query('SELECT id FROM regions')).rows) {
  await pool.query(sql`UPDATE regions SET archived_through = now() WHERE id = ${region.id}`);
}
