// The app's Sequelize connection and models, shared by the sequelize examples.
import { DataTypes, Model, Sequelize, type InferAttributes, type InferCreationAttributes, type CreationOptional } from 'sequelize';

export const sequelize = new Sequelize(process.env.DATABASE_URL ?? 'postgres://localhost/app', { logging: false });

export class Invoice extends Model<InferAttributes<Invoice>, InferCreationAttributes<Invoice>> {
  declare id: CreationOptional<number>;
  declare accountId: number;
  declare status: 'open' | 'overdue' | 'paid' | 'written_off';
  declare dueAt: Date;
  declare reminderCount: number;
}

Invoice.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    accountId: { type: DataTypes.INTEGER, allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    dueAt: { type: DataTypes.DATE, allowNull: false },
    reminderCount: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  },
  { sequelize, tableName: 'invoices', underscored: true },
);

export class Account extends Model<InferAttributes<Account>, InferCreationAttributes<Account>> {
  declare id: CreationOptional<number>;
  declare suspended: boolean;
  declare balanceCents: number;
}

Account.init(
  {
    id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
    suspended: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    balanceCents: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  },
  { sequelize, tableName: 'accounts', underscored: true },
);

export const GRACE_DAYS = 30;

export function isPastGrace(dueAt: Date, now = new Date()): boolean {
  return now.getTime() - dueAt.getTime() > GRACE_DAYS * 24 * 60 * 60 * 1000;
}
