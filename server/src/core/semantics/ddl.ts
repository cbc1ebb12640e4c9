// Schema changes: builder calls (`knex.schema.alterTable`, `queryInterface.addColumn`,
// `db.schema.alterTable(...).execute()`) and DDL SQL passed to a query method or a tagged template.
import { VOCABULARY } from '../libraries';
import { ts } from '../ts';
import { chainNames, chainRoot, nameOfCallee, staticText } from './ast';
import { isSqlMethodName } from './calls';
import { originOf, stringValue } from './origins';
import { classifySql } from './sql';

/** `new`: creates an object nobody uses yet (a table, view, type); `alter`: changes an existing one. */
export type SchemaChange = 'new' | 'alter';

const NEW_OBJECT = /^(createTable|createTableIfNotExists|createView|createType|createSchema)$/;
/** Builder methods that only mean DDL on a schema builder (`knex.schema.table`, not `knex.table`). */
const SCHEMA_ONLY = new Set(['table', 'createIndex', 'dropIndex']);
const NEW_OBJECT_SQL = /^\s*create\s+(table|view|type|schema|(or\s+replace\s+)?function|sequence|extension)\b/i;

function sqlChange(sql: string | undefined): SchemaChange | undefined {
  if (!sql || classifySql(sql)?.kind !== 'ddl') return undefined;
  return NEW_OBJECT_SQL.test(sql) ? 'new' : 'alter';
}

/** Whether a call or tagged template changes the schema, and how. */
export function schemaChangeOf(n: ts.CallExpression | ts.TaggedTemplateExpression): { change: SchemaChange; sql?: string } | undefined {
  if (ts.isTaggedTemplateExpression(n)) {
    const sql = staticText(n.template);
    const change = sqlChange(sql);
    return change && { change, sql };
  }
  const name = nameOfCallee(n.expression) ?? '';
  if (VOCABULARY.ddlMethods.has(name)) {
    // On a schema builder or a database handle (`queryInterface`, `queryRunner`); not the table
    // builder a schema callback gets (`(table) => table.dropColumn('x')` is part of its caller).
    const names = chainNames(n.expression);
    const onSchema = names.includes('schema') || (!SCHEMA_ONLY.has(name) && originOf(chainRoot(n.expression)).kind === 'db');
    if (names.length > 1 && onSchema) return { change: NEW_OBJECT.test(name) ? 'new' : 'alter' };
  }
  const arg = n.arguments[0];
  if (!arg || !isSqlMethodName(name)) return undefined;
  const sql = stringValue(arg) ?? staticText(arg);
  const change = sqlChange(sql);
  return change && { change, sql };
}
