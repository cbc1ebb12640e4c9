// TypeORM migration: fills invoices.tax_cents for every invoice. TypeORM runs each migration
// in one transaction by default, and this one loads every invoice and saves them one by one:
// the whole table is locked row by row until the last invoice, and a failure loses it all.
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Invoice, taxFor } from '../lib/data-source';

export class BackfillInvoiceTax1718000000000 implements MigrationInterface {
  name = 'BackfillInvoiceTax1718000000000';
  public async up(queryRunner: QueryRunner): Promise<void> {
    // expect: schema-and-data-in-one-transaction
    await queryRunner.query('ALTER TABLE invoices ADD COLUMN IF NOT EXISTS tax_cents integer');
    const repo = queryRunner.manager.getRepository(Invoice);
    const invoices = await repo.find({ where: { status: 'open' } });
    // expect: unbatched-loop
    for (const invoice of invoices) {
      invoice.taxCents = taxFor(invoice.amountCents, invoice.country);
      await repo.save(invoice);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE invoices DROP COLUMN IF EXISTS tax_cents');
  }
}
