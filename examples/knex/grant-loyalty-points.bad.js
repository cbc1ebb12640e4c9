// scripts/grant-loyalty-points.js: one-off script run by support after the spring campaign.
// It opens a transaction handle by hand and commits it, but the error path never rolls back:
// when an insert fails, the transaction (and its locks on customers) stays open until the
// connection is killed.
const knexFactory = require('knex');

const CAMPAIGN = 'spring-2024';
const POINTS = 250;

async function main() {
  const knex = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });
  const customerIds = process.argv.slice(2).map(Number);
  try {
    // expect: missing-commit
    const trx = await knex.transaction();
    await trx('loyalty_ledger').insert(
      customerIds.map((customerId) => ({ customer_id: customerId, points: POINTS, reason: CAMPAIGN })),
    );
    await trx('customers').whereIn('id', customerIds).increment('loyalty_points', POINTS);
    await trx.commit();
    console.log(`granted ${POINTS} points to ${customerIds.length} customers`);
  } finally {
    await knex.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
