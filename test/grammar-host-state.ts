// The injections must hand the host grammar back the state they found: a rule of VS Code's TypeScript
// grammar left open by an injection mis-colours the rest of the file (it happened with
// `getClient().$queryRaw\`...\``). Wherever the host grammar alone is back at the top level at the end
// of a line, it must be there with the injections too. Checked over examples/ (real evolve scripts
// full of SQL) and the grammar fixtures (the tricky shapes), from test/grammar.test.ts.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import * as textmate from 'vscode-textmate';
import { createRegistry } from '../scripts/highlight-code';

const root = join(__dirname, '..');
const SCOPE_BY_EXTENSION: Record<string, string> = { '.ts': 'source.ts', '.js': 'source.js', '.tsx': 'source.tsx', '.jsx': 'source.js.jsx' };

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return SCOPE_BY_EXTENSION[extname(name)] ? [path] : [];
  });
}

/** The state depth after each line, and whether any token of the file was embedded SQL. */
function lineEndDepths(grammar: textmate.IGrammar, lines: string[]) {
  let state = textmate.INITIAL;
  let sql = false;
  const depths = lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    sql ||= result.tokens.some((t) => t.scopes.includes('meta.embedded.block.sql'));
    state = result.ruleStack;
    return state.depth;
  });
  return { depths, sql };
}

/** Fails with the lines (file:line: text) where `withInjections` left a host rule open. */
export async function checkHostStateIsRestored(withInjections: textmate.Registry): Promise<void> {
  const hostOnly = await createRegistry({ injections: false });
  const files = [...sourceFiles(join(root, 'examples')), ...sourceFiles(join(__dirname, 'grammar', 'fixtures'))];
  assert.ok(files.length > 10, 'expected evolve scripts in examples/ and fixtures in test/grammar/fixtures');
  const leaks: string[] = [];
  let compared = 0;
  let filesWithSql = 0;
  for (const file of files) {
    const scope = SCOPE_BY_EXTENSION[extname(file)];
    const [injected, host] = await Promise.all([withInjections.loadGrammar(scope), hostOnly.loadGrammar(scope)]);
    assert.ok(injected && host, `no grammar for ${scope}`);
    const lines = readFileSync(file, 'utf8').split('\n');
    const a = lineEndDepths(injected, lines);
    const b = lineEndDepths(host, lines);
    if (a.sql) filesWithSql++;
    const topLevel = Math.min(...b.depths);
    b.depths.forEach((depth, i) => {
      if (depth !== topLevel) return;
      compared++;
      if (a.depths[i] !== depth) leaks.push(`${relative(root, file)}:${i + 1}: ${lines[i].trim()}`);
    });
  }
  assert.ok(filesWithSql >= 10, `only ${filesWithSql} files had embedded SQL: the check would prove little`);
  assert.ok(compared > 1000, `only ${compared} top-level lines compared`);
  assert.deepEqual(leaks.slice(0, 10), [], `${leaks.length} lines where a host rule stayed open after an injection`);
}
