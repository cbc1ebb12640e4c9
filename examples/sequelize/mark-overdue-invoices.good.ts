// scripts/mark-overdue-invoices.ts, the safe way:
//  - eachBatch walks open invoices by id, 500 per batch, each batch in its own transaction,
//  - the suspension uses a managed transaction (callback form): Sequelize commits when the
//    callback resolves and rolls back when it throws.
import { Op, type Transaction } from 'sequelize';
import { eachBatch, sequelizeAdapter } from 'evolve-runtime';
import { Account, Invoice, isPastGrace, sequelize } from './lib/models';

const SUSPEND_ABOVE_CENTS = 500_00;

async function markOverdue(): Promise<void> {
  await eachBatch(
    {
      adapter: sequelizeAdapter(sequelize),
      name: 'mark-overdue-invoices',
      size: 500,
      fetch: (after: number | undefined, size: number, transaction: Transaction) =>
        Invoice.findAll({
          where: { status: 'open', id: { [Op.gt]: after ?? 0 } },
          order: [['id', 'ASC']],
          limit: size,
          transaction,
        }),
      key: (invoice) => invoice.id,
    },
    async (invoices, transaction: Transaction) => {
      for (const invoice of invoices) {
        if (!isPastGrace(invoice.dueAt)) continue;
        await invoice.update({ status: 'overdue', reminderCount: invoice.reminderCount + 1 }, { transaction });
      }
    },
  );
}

async function suspendDebtors(): Promise<void> {
  await sequelize.transaction(async (transaction) => {
    await Account.update(
      { suspended: true },
      { where: { balanceCents: { [Op.gt]: SUSPEND_ABOVE_CENTS }, suspended: false }, transaction },
    );
    await sequelize.query(
      `INSERT INTO account_events (account_id, kind, created_at)
       SELECT id, 'suspended', now() FROM accounts WHERE suspended AND updated_at > now() - interval '1 minute'`,
      { transaction },
    );
  });
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
