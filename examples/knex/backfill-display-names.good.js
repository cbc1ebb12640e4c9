// Migration 20240611_backfill_display_names, the safe way:
//  - the schema change and the backfill are separate: the backfill opts out of knex's
//    per-file transaction, so each batch commits on its own and locks are short,
//  - eachBatch walks users by primary key (keyset), 500 at a time, and records progress
//    so a re-run resumes after the last committed batch.
const { eachBatch, knexAdapter } = require('evolve-runtime');

exports.config = { transaction: false };

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii']);

function titleCase(word) {
  return word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();
}

function displayName(user) {
  const parts = [user.first_name, user.last_name]
    .filter(Boolean)
    .map((part) => part.trim())
    .filter((part) => !SUFFIXES.has(part.toLowerCase()));
  if (parts.length === 0) return user.email.split('@')[0];
  return parts.map(titleCase).join(' ');
}

exports.up = async function (knex) {
  await eachBatch(
    {
      adapter: knexAdapter(knex),
      name: 'backfill-display-names',
      size: 500,
      fetch: (after, size, tx) =>
        tx('users')
          .select('id', 'first_name', 'last_name', 'email')
          .whereNull('display_name')
          .where('id', '>', after ?? 0)
          .orderBy('id')
          .limit(size),
      key: (row) => row.id,
    },
    async (rows, tx) => {
      for (const row of rows) {
        await tx('users').where({ id: row.id }).update({ display_name: displayName(row) });
      }
    },
  );
};

exports.down = async function () {
  // Data backfill: nothing to undo; the column itself is dropped by its schema migration.
};
