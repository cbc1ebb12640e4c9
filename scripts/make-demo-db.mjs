// Creates the demo's SQLite database: a realistic `users` table (200,000 rows by default) whose
// display_name column a backfill has to fill in, plus the `orders` that reference them.
// Usage: node scripts/make-demo-db.mjs <file> [users]
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Radia', 'Linus', 'Frances', 'Tim', 'Sophie', 'John', 'Karen', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Perlman', 'Torvalds', 'Allen', 'Berners-Lee', 'Wilson', 'McCarthy', 'Jones', 'Ritchie'];
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'NL', 'ES', 'IT', 'SE', 'PL', 'BR', 'JP', 'IN'];

/** Writes the database at `file` (replacing it) and returns the number of users. */
export function makeDemoDb(file, users = 200_000) {
  const Database = require('better-sqlite3');
  rmSync(file, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE users (
      id INTEGER PRIMARY KEY,
      email TEXT NOT NULL UNIQUE,
      first_name TEXT NOT NULL,
      last_name TEXT NOT NULL,
      country TEXT NOT NULL,
      created_at TEXT NOT NULL,
      display_name TEXT
    );
    CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id), total_cents INTEGER NOT NULL);
  `);
  const insertUser = db.prepare('INSERT INTO users (id, email, first_name, last_name, country, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertOrder = db.prepare('INSERT INTO orders (user_id, total_cents) VALUES (?, ?)');
  const start = Date.UTC(2019, 0, 1);
  db.transaction(() => {
    for (let id = 1; id <= users; id++) {
      const first = FIRST[(id * 7) % FIRST.length];
      const last = LAST[(id * 13) % LAST.length];
      const created = new Date(start + ((id * 2_654_435_761) % 157_680_000) * 1000).toISOString();
      insertUser.run(id, `${first}.${last}.${id}@example.com`.toLowerCase(), first, last, COUNTRIES[id % COUNTRIES.length], created);
      if (id % 4 === 0) insertOrder.run(id, 500 + ((id * 31) % 20_000));
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return users;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  if (!file) {
    console.error('Usage: node scripts/make-demo-db.mjs <file> [users]');
    process.exit(2);
  }
  console.log(`${makeDemoDb(file, count ? Number(count) : undefined).toLocaleString('en-US')} users written to ${file}`);
}
