// snippets/evolve.json: every snippet, expanded with its default placeholders as VS Code would,
// parses as JavaScript; the eachBatch snippets lint clean inside a script; the disable snippet
// offers exactly the rule ids; package.json contributes the file for TypeScript and JavaScript.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Analyzer } from '../../server/src/core/analyzer';
import { defaultConfig, RULE_IDS } from '../../server/src/core/config';
import { firstSyntaxError, parseSource } from '../../server/src/core/parse';

const REPO = resolve(__dirname, '../..');
const snippets = JSON.parse(readFileSync(join(REPO, 'snippets/evolve.json'), 'utf8')) as Record<string, { prefix: string[]; body: string[]; description: string }>;

/**
 * Expands a TextMate snippet body with defaults: `${n:default}` (nested), `${n|a,b|}` -> a, `$n` -> '',
 * `\$` -> `$`. Throws on an unbalanced placeholder (an unescaped `}` inside one ends it early).
 */
function expand(body: string): string {
  let i = 0;
  const parse = (inPlaceholder: boolean): string => {
    let out = '';
    while (i < body.length) {
      const c = body[i];
      if (c === '\\' && (body[i + 1] === '$' || body[i + 1] === '}' || body[i + 1] === '\\')) {
        out += body[i + 1];
        i += 2;
      } else if (inPlaceholder && c === '}') {
        i++;
        return out;
      } else if (c === '$' && body[i + 1] === '{') {
        const head = /^\$\{(\d+)(:|\|)/.exec(body.slice(i));
        if (!head) throw new Error(`Bad placeholder at ${i}: ${body.slice(i, i + 20)}`);
        i += head[0].length;
        if (head[2] === '|') {
          const end = body.indexOf('|}', i);
          out += body.slice(i, end).split(',')[0];
          i = end + 2;
        } else {
          out += parse(true);
        }
      } else if (c === '$' && /\d/.test(body[i + 1])) {
        i += /^\$\d+/.exec(body.slice(i))![0].length;
      } else {
        out += c;
        i++;
      }
    }
    if (inPlaceholder) throw new Error('Unclosed placeholder');
    return out;
  };
  return parse(false);
}

const IMPORTS: Record<string, string> = {
  'eachBatch with knex': "const { eachBatch, knexAdapter } = require('evolve-runtime');\nexports.config = { transaction: false };\nexports.up = async function (knex) {\n",
  'eachBatch with better-sqlite3': "const { eachBatch, betterSqlite3Adapter } = require('evolve-runtime');\nmodule.exports = async function run(db) {\n",
  'eachBatch with pg': "const { eachBatch, pgAdapter } = require('evolve-runtime');\nmodule.exports = async function run(pool) {\n",
  'eachBatch with MongoDB': "const { eachBatch, mongodbAdapter } = require('evolve-runtime');\nmodule.exports = async function run(client) {\n  const collection = client.db().collection('users');\n",
};

for (const [name, snippet] of Object.entries(snippets)) {
  test(`snippet "${name}" expands to code that parses${IMPORTS[name] ? ' and lints clean in a script' : ''}`, () => {
    assert.ok(snippet.prefix.length > 0 && snippet.description.startsWith('Evolve: '));
    const code = expand(snippet.body.join('\n'));
    const wrapped = IMPORTS[name] ? `${IMPORTS[name]}${code}\n};\n` : `${code}\nconsole.log('next line');\n`;
    const file = join(REPO, 'test/.tmp/migrations/snippet.js');
    assert.equal(firstSyntaxError(parseSource(file, wrapped)), undefined, wrapped);
    if (IMPORTS[name]) {
      const findings = new Analyzer(defaultConfig(join(REPO, 'test/.tmp'))).analyzeFile(file, wrapped).findings;
      assert.deepEqual(findings.map((f) => `${f.ruleId}: ${f.message}`), []);
    }
  });
}

test('the disable snippet offers exactly the rule ids, and package.json contributes the snippets', () => {
  const body = snippets['evolve-disable-next-line'].body[0];
  assert.deepEqual(/\$\{1\|([^|]*)\|\}/.exec(body)?.[1].split(','), [...RULE_IDS]);
  assert.equal(expand(body), '// evolve-disable-next-line unbatched-loop -- reason');
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.snippets, [
    { language: 'typescript', path: './snippets/evolve.json' },
    { language: 'javascript', path: './snippets/evolve.json' },
  ]);
  assert.ok(pkg.files.includes('snippets'));
  assert.ok(pkg.contributes.commands.some((c: { command: string; category: string }) => c.command === 'evolve.newScript' && c.category === 'Evolve'));
});
