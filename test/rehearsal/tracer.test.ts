// The tracer's statement counts by kind (server/src/rehearsal/child/tracer.ts): each kind of SQL the
// drivers run lands in its own count, and the total is their sum, as the report and progress show.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifySql } from '../../server/src/rehearsal/child/sql-kind';
import { Tracer } from '../../server/src/rehearsal/child/tracer';

test('statements are counted by kind, rows and writes outside a transaction with them', () => {
  const tracer = new Tracer(new Map(), { onTick() {}, onFence() {} });
  const run: [string, number, number, boolean][] = [
    ['SELECT id FROM users WHERE id > ? LIMIT 500', 500, 0, true],
    ['UPDATE users SET name = ? WHERE id = ?', 0, 1, true],
    ['UPDATE users SET name = ? WHERE id = ?', 0, 1, true],
    ['INSERT INTO audit (user_id) VALUES (?)', 0, 1, false],
    ['DELETE FROM sessions WHERE expired', 0, 7, true],
    ['CREATE INDEX users_name ON users (name)', 0, 0, false],
    ['BEGIN IMMEDIATE', 0, 0, false],
    ['COMMIT', 0, 0, true],
    ['PRAGMA foreign_keys = ON', 0, 0, false],
  ];
  for (const [sql, read, written, inTransaction] of run) tracer.statement(classifySql(sql), read, written, inTransaction);
  assert.deepEqual(tracer.statements, { select: 1, insert: 1, update: 2, delete: 1, ddl: 1, transaction: 2, other: 1 });
  assert.equal(tracer.statementCount(), run.length);
  assert.deepEqual([tracer.rowsRead, tracer.rowsWritten, tracer.writesOutsideTransaction], [500, 10, 1]);
  assert.deepEqual([...tracer.touchedTables].sort(), ['audit', 'sessions', 'users']);
});
