// Which errors count as conflicts (retried) and which don't, for every driver and wrapper shape
// evolve-runtime supports, and retryOnConflict's retry/give-up behaviour.
// Real conflicts (SQLITE_BUSY, PostgreSQL 40001) are raised for real in conflict.test.ts.
import assert from 'node:assert/strict';
import test from 'node:test';
import { backoffDelay, isConflictError, isTransactionTimeout, retryOnConflict, RetriesExhaustedError } from '../../runtime/src/index.js';

const coded = (code: unknown, message = 'driver error', extra: object = {}) => Object.assign(new Error(message), { code }, extra);
const ITX_TIMEOUT = 'Transaction API error: A query cannot be executed on an expired transaction. The timeout for this transaction was 100 ms, however 309 ms passed since the start of the transaction.';

const conflicts: [string, unknown][] = [
  ['PostgreSQL serialization failure', coded('40001')],
  ['PostgreSQL deadlock', coded('40P01')],
  ['PostgreSQL lock not available', coded('55P03')],
  ['SQLite busy', coded('SQLITE_BUSY')],
  ['SQLite busy (extended code)', coded('SQLITE_BUSY_SNAPSHOT')],
  ['SQLite locked', coded('SQLITE_LOCKED')],
  ['SQLite locked (extended code)', coded('SQLITE_LOCKED_SHAREDCACHE')],
  ['MySQL deadlock', coded('ER_LOCK_DEADLOCK', 'Deadlock found', { errno: 1213 })],
  ['MySQL lock wait timeout (errno only)', Object.assign(new Error('Lock wait timeout exceeded'), { errno: 1205 })],
  ['MongoDB TransientTransactionError label', Object.assign(new Error('tx'), { errorLabels: ['TransientTransactionError'] })],
  ['MongoDB hasErrorLabel()', Object.assign(new Error('tx'), { hasErrorLabel: (l: string) => l === 'TransientTransactionError' })],
  ['MongoDB WriteConflict', coded(112, 'WriteConflict')],
  ['Prisma write conflict / deadlock', coded('P2034')],
  ['Prisma could not start a transaction in time', coded('P2028', 'Transaction API error: Unable to start a transaction in the given time.')],
  ['Sequelize wrapping a pg error (parent)', Object.assign(new Error('SequelizeDatabaseError'), { parent: coded('40001') })],
  ['Sequelize wrapping a pg error (original)', Object.assign(new Error('SequelizeDatabaseError'), { original: coded('40P01') })],
  ['TypeORM QueryFailedError (driverError)', Object.assign(new Error('QueryFailedError'), { driverError: coded('40001') })],
  ['error with a cause', new Error('batch failed', { cause: coded('SQLITE_BUSY') })],
];

const notConflicts: [string, unknown][] = [
  ['PostgreSQL unique violation', coded('23505')],
  ['PostgreSQL syntax error', coded('42601')],
  ['SQLite constraint', coded('SQLITE_CONSTRAINT_PRIMARYKEY')],
  ['a word that only starts like SQLITE_BUSY', coded('SQLITE_BUSYNESS')],
  ['MySQL duplicate entry', coded('ER_DUP_ENTRY', 'Duplicate', { errno: 1062 })],
  ['MongoDB duplicate key', coded(11000)],
  ['MongoDB other label', Object.assign(new Error('x'), { errorLabels: ['UnknownTransactionCommitResult'] })],
  ['Prisma interactive transaction timeout', coded('P2028', ITX_TIMEOUT)],
  ['Prisma record not found', coded('P2025')],
  ['a plain Error', new Error('boom')],
  ['a string', 'SQLITE_BUSY'],
  ['null', null],
];

for (const [label, error] of conflicts) test(`conflict: ${label}`, () => assert.equal(isConflictError(error), true));
for (const [label, error] of notConflicts) test(`not a conflict: ${label}`, () => assert.equal(isConflictError(error), false));

test('isTransactionTimeout recognises only the interactive-transaction timeout', () => {
  assert.equal(isTransactionTimeout(coded('P2028', ITX_TIMEOUT)), true);
  assert.equal(isTransactionTimeout(coded('P2028', 'Unable to start a transaction in the given time.')), false);
  assert.equal(isTransactionTimeout(coded('40001')), false);
});

test('a cyclic cause chain does not hang', () => {
  const a: Error & { code: string } = Object.assign(new Error('a'), { code: 'X' });
  a.cause = a;
  assert.equal(isConflictError(a), false);
});

test('retryOnConflict retries conflicts with growing delays, then succeeds', async () => {
  const attempts: number[] = [];
  const delays: number[] = [];
  const result = await retryOnConflict(
    async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw coded('40001');
      return 'done';
    },
    { retries: 5, baseDelayMs: 1, maxDelayMs: 4, onRetry: (_e, _attempt, delayMs) => delays.push(delayMs) },
  );
  assert.equal(result, 'done');
  assert.deepEqual(attempts, [0, 1, 2, 3]);
  assert.equal(delays.length, 3);
  assert.ok(delays.every((d) => d >= 0 && d <= 4));
});

test('retryOnConflict throws other errors at once and gives up after the last retry', async () => {
  let calls = 0;
  await assert.rejects(retryOnConflict(async () => { calls++; throw coded('23505', 'duplicate key'); }), /duplicate key/);
  assert.equal(calls, 1);
  calls = 0;
  await assert.rejects(
    retryOnConflict(async () => { calls++; throw coded('40P01', 'deadlock detected'); }, { retries: 2, baseDelayMs: 1 }),
    (error: unknown) => error instanceof RetriesExhaustedError && error.attempts === 3 && /still conflicting after 3 attempts: deadlock detected \(40P01\)/.test(error.message),
  );
  assert.equal(calls, 3);
});

test('backoff doubles up to its ceiling, with jitter in the upper half', () => {
  for (let i = 0; i < 50; i++) {
    const first = backoffDelay(1, 100, 1000);
    const fifth = backoffDelay(5, 100, 1000);
    assert.ok(first >= 50 && first <= 100, `first retry delay ${first}`);
    assert.ok(fifth >= 500 && fifth <= 1000, `fifth retry delay ${fifth} is capped at 1000`);
  }
});
