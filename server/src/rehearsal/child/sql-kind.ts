// Classifies SQL text for the tracer: statement kind, transaction control and the table written.
// Results are cached per text, since scripts run the same prepared statement many times.
import type { StatementKind } from '../protocol';

export interface SqlInfo {
  kind: StatementKind;
  /** Transaction control: begin, commit, rollback (of the whole transaction, not to a savepoint). */
  control: 'begin' | 'commit' | 'rollback' | null;
  /** Table an INSERT, UPDATE or DELETE writes to, lower-cased, without schema or quotes. */
  table: string | null;
  /** INSERT, UPDATE or DELETE. */
  write: boolean;
  /** Set by the tracer once it has noted the table as touched. */
  touched?: boolean;
}

const cache = new Map<string, SqlInfo>();
const DDL = new Set(['create', 'alter', 'drop', 'truncate', 'rename', 'comment', 'vacuum', 'reindex', 'analyze', 'grant', 'revoke']);
const WRITE_TARGET = /^\s*(?:insert\s+(?:or\s+\w+\s+)?into|replace\s+into|update(?:\s+or\s+\w+)?|delete\s+from)\s+((?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|`[^`]+`|\[[^\]]+\]|[\w$]+))?)/i;

function stripLeadingComments(sql: string): string {
  let text = sql.trimStart();
  for (;;) {
    if (text.startsWith('--')) text = text.slice(text.indexOf('\n') + 1 || text.length).trimStart();
    else if (text.startsWith('/*')) text = text.slice(text.indexOf('*/') + 2 || text.length).trimStart();
    else return text;
  }
}

function unquoteTable(name: string): string {
  const last = name.split('.').pop() ?? name;
  return last.trim().replace(/^["`[]|["`\]]$/g, '').toLowerCase();
}

function classifyUncached(sql: string): SqlInfo {
  const info = classifyStatement(sql);
  // One shape for every info object (touched is present from the start), so the tracer's per-statement
  // reads of them stay monomorphic.
  return { kind: info.kind, control: info.control, table: info.table, write: info.kind === 'insert' || info.kind === 'update' || info.kind === 'delete', touched: false };
}

function classifyStatement(sql: string): Omit<SqlInfo, 'write'> {
  const text = stripLeadingComments(sql);
  const word = (/^[a-z]+/i.exec(text)?.[0] ?? '').toLowerCase();
  const none: Omit<SqlInfo, 'write'> = { kind: 'other', control: null, table: null };
  switch (word) {
    case 'select':
    case 'values':
    case 'show':
    case 'explain':
      return { ...none, kind: 'select' };
    case 'insert':
    case 'replace':
    case 'update':
    case 'delete': {
      const target = WRITE_TARGET.exec(text);
      const kind = word === 'replace' ? 'insert' : word;
      return { kind: kind as StatementKind, control: null, table: target ? unquoteTable(target[1]) : null };
    }
    case 'with': {
      // A CTE: the statement's verb is the first top-level write keyword after the WITH clauses.
      const write = /\)\s*(insert|update|delete)\b/i.exec(text);
      if (!write) return { ...none, kind: 'select' };
      const rest = text.slice(write.index + 1);
      const target = WRITE_TARGET.exec(rest);
      return { kind: write[1].toLowerCase() as StatementKind, control: null, table: target ? unquoteTable(target[1]) : null };
    }
    case 'begin':
    case 'start':
      return { ...none, kind: 'transaction', control: 'begin' };
    case 'commit':
    case 'end':
      return { ...none, kind: 'transaction', control: 'commit' };
    case 'rollback':
    case 'abort':
      return { ...none, kind: 'transaction', control: /^\w+\s+(?:transaction\s+|work\s+)?to\b/i.test(text) ? null : 'rollback' };
    case 'savepoint':
    case 'release':
      return { ...none, kind: 'transaction' };
    default:
      return DDL.has(word) ? { ...none, kind: 'ddl' } : none;
  }
}

export function classifySql(sql: string): SqlInfo {
  let info = cache.get(sql);
  if (!info) {
    info = classifyUncached(sql);
    if (cache.size < 10_000) cache.set(sql, info);
  }
  return info;
}

/** Statements in a multi-statement text (db.exec), split on semicolons outside quotes and comments. */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quote: string | null = null;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) === -1 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i) === -1 ? sql.length : sql.indexOf('*/', i) + 1;
    else if (c === ';') {
      if (sql.slice(start, i).trim()) out.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  if (sql.slice(start).trim()) out.push(sql.slice(start));
  return out;
}

const CONFLICT_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_BUSY_SNAPSHOT', '40001', '40P01', '55P03']);

/** Whether a driver error is a conflict with concurrent work (busy, locked, serialization, deadlock). */
export function isConflictError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONFLICT_CODES.has(code);
}
