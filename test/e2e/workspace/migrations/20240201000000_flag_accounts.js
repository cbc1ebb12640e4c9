exports.up = async function (knex) {
  const trx = await knex.transaction();
  const rows = await trx('accounts').select('id').where({ migrated: false }).limit(100);
  await trx('accounts').whereIn('id', rows.map((r) => r.id)).update({ migrated: true });
};

exports.down = async function () {};
