// TypeORM migration, the safe way: `transaction = false` opts out of TypeORM's per-migration
// transaction, and eachBatch commits every 500 invoices on its own, resuming after the last
// committed batch if the deploy is interrupted.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { eachBatch, typeormAdapter } from 'evolve-runtime';
import { Invoice, taxFor } from '../lib/data-source';

export class BackfillInvoiceTax1718000000000 implements MigrationInterface {
  name = 'BackfillInvoiceTax1718000000000';
  transaction = false;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE invoices ADD COLUMN IF NOT EXISTS tax_cents integer');
    await eachBatch(
      {
        adapter: typeormAdapter(queryRunner.connection),
        name: 'backfill-invoice-tax',
        size: 500,
        fetch: (after: number | undefined, size: number, tx) =>
          tx
            .getRepository(Invoice)
            .createQueryBuilder('invoice')
            .where('invoice.status = :status', { status: 'open' })
            .andWhere('invoice.id > :after', { after: after ?? 0 })
            .orderBy('invoice.id')
            .take(size)
            .getMany(),
        key: (invoice) => invoice.id,
      },
      async (invoices, tx) => {
        for (const invoice of invoices) {
          await tx.getRepository(Invoice).update(invoice.id, { taxCents: taxFor(invoice.amountCents, invoice.country) });
        }
      },
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE invoices DROP COLUMN IF EXISTS tax_cents');
  }
}
