// What a user sees with VS Code's Dark+ theme: SQL inside JS/TS gets SQL colours rather than the string
// colour, ${...} keeps TypeScript colours, plain strings stay strings, and directives stand out in comments.
// Runs the current vscode-textmate (VS Code's own tokenizer; the grammar tests use an older one).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { createHighlighter, type ColouredToken, type Highlighter } from '../scripts/highlight-code';

// Dark+ colours, from test/grammar/base/dark-plus.theme.json.
const KEYWORD = '#569CD6';
const STRING = '#CE9178';
const VARIABLE = '#9CDCFE';
const COMMENT = '#6A9955';
const TYPE = '#4EC9B0';

let highlighter: Highlighter;
before(async () => {
  highlighter = await createHighlighter();
});

/** The colour of `text` in `code` (its first occurrence on the line that contains it). */
async function colourOf(code: string, text: string, scopeName = 'source.ts'): Promise<string> {
  const lines = await highlighter.highlight(code, scopeName);
  for (const tokens of lines) {
    const token = tokens.find((t: ColouredToken) => t.text.trim() === text);
    if (token) return token.foreground;
  }
  throw new Error(`No token "${text}" in ${JSON.stringify(lines.map((l) => l.map((t) => t.text)))}`);
}

test('SQL keywords in sql`...` and knex.raw(...) are keywords, not string', async () => {
  assert.equal(await colourOf('const rows = await sql`SELECT id FROM users`;', 'SELECT'), KEYWORD);
  assert.equal(await colourOf("await knex.raw('UPDATE users SET flag = true');", 'UPDATE'), KEYWORD);
  assert.equal(await colourOf('await db.query(\n  `\n  DELETE FROM t`,\n);', 'DELETE', 'source.js'), KEYWORD);
  assert.equal(await colourOf("const sqlText = 'SELECT 1';", "'SELECT 1'"), STRING);
});

test('identifiers in SQL take the editor foreground; ${...} keeps TypeScript colours', async () => {
  const code = 'await sql`UPDATE users SET email = ${email} WHERE id = ${id}`;';
  assert.equal(await colourOf(code, 'users'), highlighter.foreground);
  assert.equal(await colourOf(code, 'email'), VARIABLE);
  assert.equal(await colourOf(code, '${'), KEYWORD);
});

test('evolve-disable directives and rule ids stand out in comments; the reason stays a comment', async () => {
  const code = '// evolve-disable-next-line unbatched-loop -- 40 rows';
  assert.equal(await colourOf(code, 'evolve-disable-next-line'), KEYWORD);
  assert.equal(await colourOf(code, 'unbatched-loop'), TYPE);
  assert.equal(await colourOf(code, '-- 40 rows'), COMMENT);
  assert.equal(await colourOf('// see evolve-disable in the docs', '// see evolve-disable in the docs'), COMMENT);
});
