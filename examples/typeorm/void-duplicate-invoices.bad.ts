// scripts/void-duplicate-invoices.ts: voids invoices the billing bug of March created twice.
// It drives a QueryRunner transaction by hand and forgets the error path: when an UPDATE fails,
// the transaction is neither rolled back nor released, and the connection leaks with its locks.
import { dataSource, Invoice } from './lib/data-source';

async function voidDuplicates(duplicateIds: number[]): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  // expect: missing-commit
  await queryRunner.startTransaction();
  await queryRunner.manager.update(Invoice, duplicateIds, { status: 'void' });
  await queryRunner.query(
    `INSERT INTO invoice_audit (invoice_id, action, actor) SELECT unnest($1::int[]), 'void', 'billing-bug-0324'`,
    [duplicateIds],
  );
  await queryRunner.commitTransaction();
  await queryRunner.release();
}

async function main(): Promise<void> {
  await dataSource.initialize();
  try {
    await voidDuplicates(process.argv.slice(2).map(Number));
  } finally {
    await dataSource.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
