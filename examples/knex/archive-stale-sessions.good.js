// Migration 20240702_archive_stale_sessions, the safe way: the file opts out of knex's
// per-file transaction and each page is moved in its own short transaction, so a page is
// either fully archived or untouched, and a failure keeps every page committed before it.
const PAGE_SIZE = 1000;
const IDLE_DAYS = 90;

exports.config = { transaction: false };

function cutoffDate(now = new Date()) {
  return new Date(now.getTime() - IDLE_DAYS * 24 * 60 * 60 * 1000);
}

async function archivePage(trx, page) {
  await trx('sessions_archive').insert(page.map((s) => ({ ...s, archived_at: trx.fn.now() })));
  await trx('sessions').whereIn('id', page.map((s) => s.id)).del();
}

exports.up = async function (knex) {
  const cutoff = cutoffDate();
  let lastId = 0;
  while (true) {
    const page = await knex('sessions')
      .select('id', 'user_id', 'user_agent', 'last_seen_at')
      .where('last_seen_at', '<', cutoff)
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(PAGE_SIZE);
    if (page.length === 0) break;

    await knex.transaction((trx) => archivePage(trx, page));
    lastId = page[page.length - 1].id;
  }
};

exports.down = async function () {};
