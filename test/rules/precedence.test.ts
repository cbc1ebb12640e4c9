// One place, one finding: rules that describe the same code are folded into the most specific one,
// in the order of server/src/core/precedence.ts, which docs/rules/README.md documents.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig, DEFAULT_SEVERITIES, RULE_IDS, type EvolveConfig } from '../../server/src/core/config';
import { RULES } from '../../server/src/core/rules';
import { RULE_PRECEDENCE } from '../../server/src/core/precedence';
import type { RuleId } from '../../server/src/core/types';

const ROOT = '/virtual-project';

function analyse(code: string, tune?: (c: EvolveConfig) => void) {
  const config = defaultConfig(ROOT);
  tune?.(config);
  const result = new Analyzer(config, { readFile: () => undefined }).analyzeFile(`${ROOT}/scripts/backfill.ts`, code);
  assert.equal(result.fatal, undefined);
  return result.findings;
}

const unbatchedPromiseAll = `import { prisma } from '../lib/prisma';
export async function main() {
  const users = await prisma.user.findMany({ where: { emailVerified: null } });
  await Promise.all(users.map(async (u) => {
    await prisma.user.update({ where: { id: u.id }, data: { emailVerified: u.createdAt } });
  }));
}
`;

test('every rule has a place in the precedence list, and the docs index lists it with its default severity', () => {
  assert.deepEqual([...RULE_PRECEDENCE].sort(), Object.keys(RULES).sort());
  const readme = readFileSync(join(__dirname, '..', '..', 'docs', 'rules', 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\d+\. `([a-z-]+)`$/gm)].map((m) => m[1]);
  assert.deepEqual(documented, RULE_PRECEDENCE, 'docs/rules/README.md lists the precedence in the same order');
  for (const id of Object.keys(RULES) as RuleId[]) {
    assert.equal(RULES[id].meta.defaultSeverity, DEFAULT_SEVERITIES[id]);
    assert.match(readme, new RegExp(`\\| \\[${id}\\]\\(${id}\\.md\\) \\| ${DEFAULT_SEVERITIES[id]} \\|`));
  }
});

test('an unbatched Promise.all(rows.map(async ...)) is one finding that names the others', () => {
  const findings = analyse(unbatchedPromiseAll);
  assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}: ${f.ruleId}`), ['4: unbatched-loop']);
  const [f] = findings;
  assert.match(f.message, /\(Also unbounded-concurrency, unbounded-read here: see the related information\.\)$/);
  const also = f.related.filter((r) => r.message.startsWith('Also '));
  assert.deepEqual(also.map((r) => `${r.range.start.line + 1}: ${r.message.split(':')[0]}`), ['4: Also unbounded-concurrency', '3: Also unbounded-read']);
  assert.deepEqual(f.data?.alsoReported, ['unbounded-concurrency', 'unbounded-read']);
});

test('with the more specific rule off, the next one is reported on its own', () => {
  const findings = analyse(unbatchedPromiseAll, (c) => {
    c.rules['unbatched-loop'] = 'off';
  });
  assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}: ${f.ruleId}`), ['4: unbounded-concurrency']);
  assert.match(findings[0].message, /Also unbounded-read here/);
});

test('the kept finding takes the most severe folded severity', () => {
  const findings = analyse(unbatchedPromiseAll, (c) => {
    c.rules['unbounded-read'] = 'error';
  });
  assert.deepEqual(findings.map((f) => `${f.ruleId} ${f.severity}`), ['unbatched-loop error']);
});

test('findings about different code are not folded', () => {
  const code = `import { prisma } from '../lib/prisma';
export async function main() {
  const all = await prisma.user.findMany();
  console.log(all.length);
  const page = await prisma.user.findMany({ take: 10 });
  page.forEach(async (u) => {
    await prisma.user.update({ where: { id: u.id }, data: { seen: true } });
  });
}
`;
  assert.deepEqual(analyse(code).map((f) => `${f.range.start.line + 1}: ${f.ruleId}`), ['3: unbounded-read', '6: floating-write']);
});

test('an explicit transaction per page left open: missing-commit, naming no-conflict-retry', () => {
  const code = `export async function up(knex) {
  for (;;) {
    const page = await knex('users').whereNull('slug').limit(500);
    if (page.length === 0) break;
    const trx = await knex.transaction();
    await trx('users').whereIn('id', page.map((u) => u.id)).update({ slug: 'x' });
  }
}
export const config = { transaction: false };
`;
  const findings = analyse(code);
  assert.deepEqual(findings.map((f) => `${f.range.start.line + 1}: ${f.ruleId}`), ['5: missing-commit']);
  assert.deepEqual(findings[0].data?.alsoReported, ['no-conflict-retry']);
});

test('the config schema, RULE_IDS and the severities know every rule', () => {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', '..', 'schemas', 'evolve.config.schema.json'), 'utf8'));
  assert.deepEqual([...schema.properties.rules.propertyNames.enum].sort(), Object.keys(RULES).sort());
  assert.deepEqual([...RULE_IDS].sort(), Object.keys(RULES).sort());
  assert.deepEqual(Object.keys(DEFAULT_SEVERITIES).sort(), Object.keys(RULES).sort());
});
