// Classifies SQL text found in string literals and templates: what a statement does and whether a
// SELECT is bounded. Interpolations are replaced by `?` before this sees the text.

export type SqlKind = 'select' | 'write' | 'ddl' | 'begin' | 'commit' | 'rollback' | 'other';

export interface SqlInfo {
  kind: SqlKind;
  /** SELECT with LIMIT / FETCH FIRST / TOP, or one aggregate row (COUNT(*) without GROUP BY). */
  bounded: boolean;
  /** At most one row: LIMIT 1 or a single aggregate. */
  single: boolean;
  /** SELECT with OFFSET: a page read. */
  offset: boolean;
}

const SQL_START =
  /^\s*(?:\(\s*)*(select|with|update|insert|delete|merge|replace|upsert|create|alter|drop|truncate|begin|start\s+transaction|commit|end|rollback|savepoint|release|set|lock|copy|values)\b/i;

function stripComments(sql: string): string {
  return sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
}

const known = new Map<string, SqlInfo | undefined>();

/**
 * Returns undefined when the text does not look like SQL. Remembered by text (a few hundred regular
 * expressions over the text otherwise): the same statement is asked about by several rules, and from
 * a `const sql = '...'` at each of its uses. The result is shared: callers only read it.
 */
export function classifySql(raw: string): SqlInfo | undefined {
  let info = known.get(raw);
  if (info === undefined && !known.has(raw)) {
    if (known.size >= 2_000) known.clear();
    info = classifyUncached(raw);
    known.set(raw, info);
  }
  return info;
}

function classifyUncached(raw: string): SqlInfo | undefined {
  const sql = stripComments(raw);
  const m = SQL_START.exec(sql);
  if (!m) return undefined;
  const verb = m[1].toLowerCase().replace(/\s+/g, ' ');
  const body = sql.toLowerCase();
  const has = (re: RegExp) => re.test(body);
  const writes = has(/\b(update\s+[\w"`.[\]]+\s+set|insert\s+into|delete\s+from|merge\s+into|replace\s+into|upsert\s+into)\b/) ||
    (verb === 'update' || verb === 'insert' || verb === 'delete' || verb === 'merge' || verb === 'replace' || verb === 'upsert');
  const info = (kind: SqlKind): SqlInfo => ({
    kind,
    bounded: kind === 'select' && isBoundedSelect(body),
    single: kind === 'select' && (/\blimit\s+1\b/.test(body) || isSingleAggregate(body)),
    offset: kind === 'select' && /\boffset\b/.test(body),
  });
  switch (verb) {
    case 'begin':
    case 'start transaction':
      return info(/^\s*begin\s*(transaction|work)?\s*;?\s*$/i.test(sql) || verb === 'start transaction' || /^\s*begin\s*(immediate|exclusive|deferred)/i.test(sql) ? 'begin' : 'other');
    case 'commit':
    case 'end':
      return info('commit');
    case 'rollback':
      return /\bto\b/i.test(sql) ? info('other') : info('rollback');
    case 'create':
    case 'alter':
    case 'drop':
    case 'truncate':
      return info(writes && verb !== 'create' ? 'write' : 'ddl');
    case 'select':
    case 'values':
      return info(writes ? 'write' : 'select');
    case 'with':
      return info(writes ? 'write' : 'select');
    case 'update':
    case 'insert':
    case 'delete':
    case 'merge':
    case 'replace':
    case 'upsert':
      return info('write');
    default:
      return info('other');
  }
}

function isBoundedSelect(body: string): boolean {
  if (/\blimit\s+(\?|\$\d+|:\w+|@\w+|\d+)/.test(body) || /\bfetch\s+(first|next)\b/.test(body) || /\bselect\s+top\s*\(?\s*\d/.test(body)) {
    return true;
  }
  if (isSingleAggregate(body)) return true;
  if (!/\bfrom\b/.test(body)) return true; // SELECT 1, SELECT now(): one row
  return false;
}

/** A single aggregate row: SELECT COUNT(*) / MAX(x) ... without GROUP BY. */
function isSingleAggregate(body: string): boolean {
  const selectList = /^\s*select\s+(distinct\s+)?([\s\S]*?)\s+from\b/.exec(body);
  if (selectList && !/\bgroup\s+by\b/.test(body)) {
    const cols = selectList[2];
    if (/^\s*(count|max|min|sum|avg)\s*\(/.test(cols) && !/,/.test(cols.replace(/\([^)]*\)/g, ''))) return true;
  }
  return false;
}
