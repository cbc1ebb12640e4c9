// The same backfill as backfill-unbatched.ts, in keyset batches of 1,000 users: each batch is its
// own short transaction, progress is reported, and a cancel stops after the batch in flight.
import type Database from 'better-sqlite3';
import { eachBatch, betterSqlite3Adapter } from 'evolve-runtime';

interface User {
  id: number;
  first_name: string;
  last_name: string;
}

export function displayName(user: User): string {
  return `${user.first_name} ${user.last_name.charAt(0)}.`;
}

export default async function backfillDisplayNames({ db, signal }: { db: Database.Database; signal: AbortSignal }): Promise<void> {
  const page = db.prepare('SELECT id, first_name, last_name FROM users WHERE id > ? AND display_name IS NULL ORDER BY id LIMIT ?');
  const left = db.prepare('SELECT count(*) FROM users WHERE id > ? AND display_name IS NULL').pluck();
  const update = db.prepare('UPDATE users SET display_name = ? WHERE id = ?');
  await eachBatch(
    {
      adapter: betterSqlite3Adapter(db),
      name: 'backfill-display-names',
      size: 1000,
      signal,
      // SQLite's site writers poll for its one write lock: pause as long as each batch held it, so they get it.
      throttle: { dutyCycle: 0.5 },
      fetch: (after: number | undefined, size: number) => page.all(after ?? 0, size) as User[],
      key: (user) => user.id,
      count: (after) => Number(left.get(after ?? 0)),
    },
    (users) => {
      for (const user of users) update.run(displayName(user), user.id);
    },
  );
}
