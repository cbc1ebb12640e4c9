// The postgres rehearsal's clone, on a 200,000-row database on the local server: the time the
// rehearsal reports for its snapshot (connect, sweep, clone, size) by each method, against
// `createdb -T` of the same database. Skipped with the reason when the server is not reachable.
// Part of `npm run bench`; alone: `node bench/postgres.bench.mjs [--runs N]` (after `npm run build`).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { rehearseCommand } from '../scripts/rehearse-command.mjs';
import { isMain, runStandalone } from './harness.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const SERVER = process.env.EVOLVE_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432';
const ROWS = 200_000;

async function sql(database, text) {
  const client = new pg.Client({ connectionString: `${SERVER}/${database}` });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

function cloneByRehearsal(ctx, command, script, source, method) {
  const run = spawnSync(process.execPath, [...command, script, '--snapshot', `${SERVER}/${source}`, '--json'], {
    cwd: ctx.tmpDir,
    encoding: 'utf8',
    env: { ...process.env, EVOLVE_PG_CLONE_METHOD: method },
  });
  const report = JSON.parse(run.stdout || 'null');
  if (report?.status !== 'ok') throw new Error(`the ${method} rehearsal failed (exit ${run.status}): ${JSON.stringify(report?.error) ?? run.stderr.slice(-2000)}`);
  return report.snapshot.ms;
}

function createdbTemplate(source) {
  const copy = `${source}_createdb`;
  const url = new URL(SERVER);
  const args = ['-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username || 'postgres')];
  const start = performance.now();
  const made = spawnSync('createdb', [...args, '-T', source, copy], { encoding: 'utf8' });
  const ms = performance.now() - start;
  spawnSync('dropdb', [...args, '--if-exists', copy]);
  if (made.status !== 0) throw new Error(`createdb -T ${source} failed: ${made.stderr}`);
  return ms;
}

export async function run(ctx) {
  const metric = `postgres clone by TEMPLATE, ${ROWS.toLocaleString('en-US')} rows (rehearsal snapshot)`;
  try {
    await sql('postgres', 'SELECT 1');
  } catch (error) {
    return { name: 'postgres', results: [{ metric, unit: 'ms', skipped: `PostgreSQL at ${SERVER} is not reachable: ${error.message}` }] };
  }
  const source = `evolve_bench_${process.pid}`;
  await sql('postgres', `DROP DATABASE IF EXISTS ${source}`);
  await sql('postgres', `CREATE DATABASE ${source}`);
  try {
    await sql(
      source,
      `CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, display text);
       INSERT INTO users (name, email) SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, ${ROWS}) g;
       CREATE TABLE orders (id serial PRIMARY KEY, user_id int REFERENCES users(id), total numeric(10,2));
       INSERT INTO orders (user_id, total) SELECT 1 + g % ${ROWS}, g % 1000 FROM generate_series(1, ${ROWS}) g;`,
    );
    await sql(source, 'VACUUM ANALYZE');
    const command = rehearseCommand(ctx.root);
    const noop = join(ctx.tmpDir, 'noop.js');
    writeFileSync(noop, 'module.exports = async () => {};\n');
    const clone = (method) => () => cloneByRehearsal(ctx, command, noop, source, method);
    const samples = { template: [], createdb: [], pg_dump: [], copy: [] };
    clone('template')(); // warm-up: the child's first start, the source's pages in cache
    for (let i = 0; i < ctx.runs; i++) {
      samples.template.push(clone('template')());
      samples.createdb.push(createdbTemplate(source));
      samples.pg_dump.push(clone('pg_dump')());
      samples.copy.push(clone('copy')());
    }
    const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
    const baseline = median(samples.createdb);
    const note = 'baseline: createdb -T of the same database';
    return {
      name: 'postgres',
      results: [
        { metric, value: median(samples.template), unit: 'ms', baseline, target: '<= 1.2', note },
        { metric: 'postgres clone by pg_dump | pg_restore (rehearsal snapshot)', value: median(samples.pg_dump), unit: 'ms', baseline, note: `${note}; used when the source has other connections` },
        { metric: "postgres clone by Evolve's COPY (rehearsal snapshot)", value: median(samples.copy), unit: 'ms', baseline, note: `${note}; used without the client tools` },
      ],
    };
  } finally {
    await sql('postgres', `DROP DATABASE IF EXISTS ${source} WITH (FORCE)`);
  }
}

if (isMain(THIS_FILE)) await runStandalone(THIS_FILE, run);
