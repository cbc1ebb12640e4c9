// The app's Kysely database types and connection, shared by the kysely examples
// (scripts import the app's own db module rather than creating a client).
import { Kysely, PostgresDialect, type Generated } from 'kysely';
import { Pool } from 'pg';

export interface OrdersTable {
  id: Generated<number>;
  customer_id: number;
  currency: string | null;
  total_cents: number;
  total_eur_cents: number | null;
  placed_at: Date;
}

export interface CustomersTable {
  id: Generated<number>;
  country: string;
  default_currency: string | null;
}

export interface ExchangeRatesTable {
  currency: string;
  rate_to_eur: string;
}

export interface Database {
  orders: OrdersTable;
  customers: CustomersTable;
  exchange_rates: ExchangeRatesTable;
}

export function createDb(connectionString = process.env.DATABASE_URL): Kysely<Database> {
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool: new Pool({ connectionString }) }) });
}
