// Fills users.display_name the way many first drafts do: read every user, then one UPDATE per
// user inside one big transaction. On a live site that transaction holds the write lock for the
// whole run; `evolve rehearse` shows how long. Its eachBatch twin is backfill-batched.ts.
import type Database from 'better-sqlite3';

interface User {
  id: number;
  first_name: string;
  last_name: string;
}

export function displayName(user: User): string {
  return `${user.first_name} ${user.last_name.charAt(0)}.`;
}

export default async function backfillDisplayNames({ db }: { db: Database.Database }): Promise<void> {
  const users = db.prepare('SELECT id, first_name, last_name FROM users WHERE display_name IS NULL').all() as User[];
  const update = db.prepare('UPDATE users SET display_name = ? WHERE id = ?');
  db.transaction(() => {
    // expect: unbatched-loop
    for (const user of users) update.run(displayName(user), user.id);
  })();
}
