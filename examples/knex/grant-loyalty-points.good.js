// scripts/grant-loyalty-points.js, the safe way: the explicit handle commits on success and
// rolls back on every error, so a failed run leaves no open transaction and no half-granted points.
const knexFactory = require('knex');

const CAMPAIGN = 'spring-2024';
const POINTS = 250;

async function grant(knex, customerIds) {
  const trx = await knex.transaction();
  try {
    await trx('loyalty_ledger').insert(
      customerIds.map((customerId) => ({ customer_id: customerId, points: POINTS, reason: CAMPAIGN })),
    );
    await trx('customers').whereIn('id', customerIds).increment('loyalty_points', POINTS);
    await trx.commit();
  } catch (err) {
    await trx.rollback();
    throw err;
  }
}

async function main() {
  const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
  const customerIds = process.argv.slice(2).map(Number);
  try {
    await grant(knex, customerIds);
    console.log(`granted ${POINTS} points to ${customerIds.length} customers`);
  } finally {
    await knex.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
