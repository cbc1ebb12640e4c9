// Migration 20240702_archive_stale_sessions: moves sessions idle for 90 days to sessions_archive.
// It pages through the table, which looks safe, but knex wraps the whole file in one transaction
// (there is no `exports.config = { transaction: false }`), so every "batch" commits only at the end:
// the batches are illusory, all locks are held for the whole run, and a failure loses all of it.
const PAGE_SIZE = 1000;
const IDLE_DAYS = 90;

function cutoffDate(now = new Date()) {
  return new Date(now.getTime() - IDLE_DAYS * 24 * 60 * 60 * 1000);
}

exports.up = async function (knex) {
  const cutoff = cutoffDate();
  let lastId = 0;
  // expect: missing-commit
  while (true) {
    const page = await knex('sessions')
      .select('id', 'user_id', 'user_agent', 'last_seen_at')
      .where('last_seen_at', '<', cutoff)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(PAGE_SIZE);
    if (page.length === 0) break;

    await knex('sessions_archive').insert(page.map((s) => ({ ...s, archived_at: knex.fn.now() })));
    await knex('sessions').whereIn('id', page.map((s) => s.id)).del();
    lastId = page[page.length - 1].id;
  }
};

exports.down = async function () {};
