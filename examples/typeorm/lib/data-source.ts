// The app's TypeORM entities and data source, shared by the typeorm examples.
import 'reflect-metadata';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'invoices' })
export class Invoice {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  customerId!: number;

  @Column({ type: 'int' })
  amountCents!: number;

  @Column({ type: 'int', nullable: true })
  taxCents!: number | null;

  @Column({ type: 'varchar', length: 2 })
  country!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: 'draft' | 'open' | 'paid' | 'void';
}

export const dataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: [Invoice],
});

/** VAT rates the finance team signed off for the 2024 tax recalculation. */
export const VAT_BY_COUNTRY: Record<string, number> = { DE: 0.19, FR: 0.2, NL: 0.21, AT: 0.2, IE: 0.23 };

export function taxFor(amountCents: number, country: string): number {
  return Math.round(amountCents * (VAT_BY_COUNTRY[country] ?? 0));
}
