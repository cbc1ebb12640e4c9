// Migration 20240611_backfill_display_names: fills users.display_name for the new profile header.
// Written the way it usually is, and why it hurts on a live site:
//  - it reads every user into memory and updates them one by one,
//  - knex runs the whole file in ONE transaction (no `exports.config = { transaction: false }`),
//    so every updated row stays locked until the last user is done.

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
  // expect: schema-and-data-in-one-transaction
  await knex.schema.alterTable('users', (table) => {
    table.string('display_name', 120);
  });

  const users = await knex('users').select('id', 'first_name', 'last_name', 'email').whereNull('display_name');

  // expect: unbatched-loop
  for (const user of users) {
    await knex('users').where({ id: user.id }).update({ display_name: displayName(user) });
  }
};

exports.down = async function (knex) {
  await knex.schema.alterTable('users', (table) => {
    table.dropColumn('display_name');
  });
};
