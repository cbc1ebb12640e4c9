// The same backfill as backfill-display-names.ts, slowly: batches of 10 with a 400 ms pause, so a
// rehearsal of it runs long enough to watch and to cancel.
import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';

interface User {
  id: number;
  first_name: string;
  last_name: string;
}

export default async function backfillDisplayNames({ db, signal }: { db: Database.Database; signal: AbortSignal }): Promise<void> {
  const page = db.prepare('SELECT id, first_name, last_name FROM users WHERE id > ? AND display_name IS NULL ORDER BY id LIMIT ?');
  const left = db.prepare('SELECT count(*) FROM users WHERE id > ? AND display_name IS NULL').pluck();
  const update = db.prepare('UPDATE users SET display_name = ? WHERE id = ?');
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db),
      name: 'backfill-display-names-slowly',
      size: 10,
      signal,
      throttle: { pauseMs: 400 },
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as User[],
      key: (user) => user.id,
      count: (after) => Number(left.get(after ?? 0)),
    },
    (users) => {
      for (const user of users) update.run(`${user.first_name} ${user.last_name.charAt(0)}.`, user.id);
    },
  );
}
