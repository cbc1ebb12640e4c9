// The snapshot picker's recents (kept in the workspace's storage): newest first, no duplicates, at
// most five, and never a password; and the check of a typed PostgreSQL URL.
import assert from 'node:assert/strict';
import test from 'node:test';
import { MAX_RECENTS, readRecents, urlProblem, withRecent, type Recent } from '../../client/src/rehearse/recents';

test('a URL is kept without its password, and secret query parameters are masked too', () => {
  const kept = withRecent([], { kind: 'url', value: 'postgres://admin:hunter2@db.internal:5432/app?sslpassword=s3cret&sslmode=require' });
  assert.deepEqual(kept, [{ kind: 'url', value: 'postgres://admin:***@db.internal:5432/app?sslpassword=***&sslmode=require' }]);
  assert.doesNotMatch(JSON.stringify(kept), /hunter2|s3cret/);
});

test('newest first, once, at most five; paths are kept as they are', () => {
  let recents: Recent[] = [];
  for (let i = 1; i <= 7; i++) recents = withRecent(recents, { kind: 'file', value: `/data/app${i}.db` });
  assert.equal(recents.length, MAX_RECENTS);
  assert.deepEqual(recents.map((r) => r.value), ['/data/app7.db', '/data/app6.db', '/data/app5.db', '/data/app4.db', '/data/app3.db']);
  recents = withRecent(recents, { kind: 'file', value: '/data/app5.db' });
  assert.deepEqual(recents.map((r) => r.value), ['/data/app5.db', '/data/app7.db', '/data/app6.db', '/data/app4.db', '/data/app3.db']);
  // The same URL typed again with its password replaces its redacted entry instead of adding one.
  recents = withRecent(withRecent(recents, { kind: 'url', value: 'postgres://u:a@h/db' }), { kind: 'url', value: 'postgres://u:b@h/db' });
  assert.deepEqual(recents.slice(0, 2), [{ kind: 'url', value: 'postgres://u:***@h/db' }, { kind: 'file', value: '/data/app5.db' }]);
});

test('whatever else is in storage is dropped', () => {
  assert.deepEqual(readRecents(undefined), []);
  assert.deepEqual(readRecents('postgres://x'), []);
  assert.deepEqual(readRecents([null, 3, { kind: 'url' }, { kind: 'disk', value: '/x' }, { kind: 'folder', value: '/pgdata' }]), [{ kind: 'folder', value: '/pgdata' }]);
});

test('a typed URL must be postgres://, name a database and carry no ***', () => {
  assert.equal(urlProblem('postgres://app:pw@127.0.0.1:5432/app'), undefined);
  assert.equal(urlProblem('  postgresql://127.0.0.1/app  '), undefined);
  assert.match(urlProblem('mysql://127.0.0.1/app') ?? '', /starts with postgres:\/\//);
  assert.match(urlProblem('postgres://127.0.0.1:5432') ?? '', /Add the database name/);
  assert.match(urlProblem('postgres://app:***@127.0.0.1/app') ?? '', /Replace \*\*\* with the password/);
  assert.match(urlProblem('postgres://[bad') ?? '', /Not a valid URL/);
});
