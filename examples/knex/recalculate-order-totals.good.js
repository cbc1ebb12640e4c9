// Migration 20240901_recalculate_order_totals, the safe way: the same helpers from lib/orders.js,
// but the page helper (LIMIT after the last id) feeds eachBatch, each batch of 500 commits on its
// own, and the file opts out of knex's per-file transaction.
const { eachBatch, knexAdapter } = require('evolve-runtime');
const { orderTotal, pageOfOrdersWithoutTotals, saveOrderTotal } = require('./lib/orders');

exports.config = { transaction: false };

exports.up = async function (knex) {
  await eachBatch(
    {
      adapter: knexAdapter(knex),
      name: 'recalculate-order-totals',
      size: 500,
      fetch: (after, size, tx) => pageOfOrdersWithoutTotals(tx, after ?? 0, size),
      key: (order) => order.id,
    },
    async (orders, tx) => {
      for (const order of orders) {
        await saveOrderTotal(tx, order.id, orderTotal(order));
      }
    },
  );
};

exports.down = async function () {};
