// Migration 20240901_recalculate_order_totals: fills orders.total_cents, using the order
// queries the app already has in lib/orders.js. The helpers hide it, but this reads every
// order without a total and writes them back one by one, inside knex's per-file transaction.
const { findOrdersWithoutTotals, orderTotal, saveOrderTotal } = require('./lib/orders');

exports.up = async function (knex) {
  const orders = await findOrdersWithoutTotals(knex);
  // expect: unbatched-loop
  for (const order of orders) {
    await saveOrderTotal(knex, order.id, orderTotal(order));
  }
};

exports.down = async function () {};
