// Fills users.display_name ("Ada L.") in keyset batches: each batch is its own short transaction,
// with a pause between batches to leave room for the site's own traffic.
import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';

interface User {
  id: number;
  first_name: string;
  last_name: string;
}

export interface Pace {
  name: string;
  size: number;
  pauseMs: number;
}

export default async function backfillDisplayNames(
  { db, signal }: { db: Database.Database; signal: AbortSignal },
  pace: Pace = { name: 'backfill-display-names', size: 100, pauseMs: 150 },
): Promise<void> {
  const page = db.prepare('SELECT id, first_name, last_name FROM users WHERE id > ? AND display_name IS NULL ORDER BY id LIMIT ?');
  const left = db.prepare('SELECT count(*) FROM users WHERE id > ? AND display_name IS NULL').pluck();
  const update = db.prepare('UPDATE users SET display_name = ? WHERE id = ?');
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db),
      name: pace.name,
      size: pace.size,
      signal,
      throttle: { pauseMs: pace.pauseMs },
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as User[],
      key: (user) => user.id,
      count: (after) => Number(left.get(after ?? 0)),
    },
    (users) => {
      for (const user of users) update.run(`${user.first_name} ${user.last_name.charAt(0)}.`, user.id);
    },
  );
}
