// scripts/void-duplicate-invoices.ts, the safe way: commit on success, roll back on any error,
// and always release the QueryRunner so its connection returns to the pool.
import { dataSource, Invoice } from './lib/data-source';

async function voidDuplicates(duplicateIds: number[]): Promise<void> {
  const queryRunner = dataSource.createQueryRunner();
  await queryRunner.connect();
  await queryRunner.startTransaction();
  try {
    await queryRunner.manager.update(Invoice, duplicateIds, { status: 'void' });
    await queryRunner.query(
      `INSERT INTO invoice_audit (invoice_id, action, actor) SELECT unnest($1::int[]), 'void', 'billing-bug-0324'`,
      [duplicateIds],
    );
    await queryRunner.commitTransaction();
  } catch (err) {
    await queryRunner.rollbackTransaction();
    throw err;
  } finally {
    await queryRunner.release();
  }
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
