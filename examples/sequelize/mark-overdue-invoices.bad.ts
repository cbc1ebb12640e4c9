// scripts/mark-overdue-invoices.ts: flags open invoices past their grace period as overdue and
// suspends accounts that owe too much. Two hazards:
//  - every open invoice is loaded with findAll (no limit) and updated from forEach(async ...):
//    the updates are fired all at once, nobody awaits them, and errors are silently dropped,
//  - the suspension opens an unmanaged transaction and commits it, but never rolls back: an
//    error leaves the transaction open on a pooled connection.
import { Op } from 'sequelize';
import { Account, Invoice, isPastGrace, sequelize } from './lib/models';

const SUSPEND_ABOVE_CENTS = 500_00;

async function markOverdue(): Promise<void> {
  const invoices = await Invoice.findAll({ where: { status: 'open' } });
  // expect: unbatched-loop
  invoices.forEach(async (invoice) => {
    if (!isPastGrace(invoice.dueAt)) return;
    await invoice.update({ status: 'overdue', reminderCount: invoice.reminderCount + 1 });
  });
}

async function suspendDebtors(): Promise<void> {
  // expect: missing-commit
  const t = await sequelize.transaction();
  await Account.update(
    { suspended: true },
    { where: { balanceCents: { [Op.gt]: SUSPEND_ABOVE_CENTS }, suspended: false }, transaction: t },
  );
  await sequelize.query(
    `INSERT INTO account_events (account_id, kind, created_at)
     SELECT id, 'suspended', now() FROM accounts WHERE suspended AND updated_at > now() - interval '1 minute'`,
    { transaction: t },
  );
  await t.commit();
}

async function main(): Promise<void> {
  await markOverdue();
  await suspendDebtors();
  await sequelize.close();
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
