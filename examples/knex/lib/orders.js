// The app's order queries, shared by its migrations and jobs (examples/knex/*order-totals*).
const TAX_RATE_BY_COUNTRY = { DE: 0.19, FR: 0.2, NL: 0.21, GB: 0.2 };

function ordersWithoutTotals(knex) {
  return knex('orders')
    .join('customers', 'customers.id', 'orders.customer_id')
    .select('orders.id', 'orders.subtotal_cents', 'orders.shipping_cents', 'customers.country')
    .whereNull('orders.total_cents');
}

/** Every order still missing its total. */
async function findOrdersWithoutTotals(knex) {
  return ordersWithoutTotals(knex).orderBy('orders.id');
}

/** One page of them, after the given order id. */
async function pageOfOrdersWithoutTotals(knex, afterId, size) {
  return ordersWithoutTotals(knex).where('orders.id', '>', afterId).orderBy('orders.id').limit(size);
}

async function saveOrderTotal(knex, orderId, totalCents) {
  await knex('orders').where({ id: orderId }).update({ total_cents: totalCents, updated_at: knex.fn.now() });
}

function orderTotal(order) {
  const tax = Math.round(order.subtotal_cents * (TAX_RATE_BY_COUNTRY[order.country] ?? 0));
  return order.subtotal_cents + order.shipping_cents + tax;
}

module.exports = { findOrdersWithoutTotals, pageOfOrdersWithoutTotals, saveOrderTotal, orderTotal };
