// What the SQL and directive injection grammars (syntaxes/) cost the editor: VS Code's TypeScript
// grammar tokenizing the project's own TypeScript (examples/, server/src: real code with SQL calls)
// with the injections against without them, same vscode-textmate and Oniguruma build as VS Code.
// Every TS/JS document in the workspace pays this while the extension is active.
// Part of `npm run bench`; alone: `node bench/run.mjs grammar`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tsImport } from 'tsx/esm/api';

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.[cm]?ts$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

async function tokenizerFor(registry) {
  const grammar = await registry.loadGrammar('source.ts');
  if (!grammar) throw new Error('source.ts did not load: see test/grammar/base/');
  return (documents) => {
    for (const lines of documents) {
      let state = null;
      for (const line of lines) state = grammar.tokenizeLine(line, state).ruleStack;
    }
  };
}

export async function run(ctx) {
  const { createRegistry } = await tsImport(join(ctx.root, 'scripts', 'highlight-code.ts'), import.meta.url);
  const documents = ['examples', 'server/src'].flatMap((dir) => sourceFiles(join(ctx.root, dir))).map((f) => readFileSync(f, 'utf8').split('\n'));
  const lines = documents.reduce((n, d) => n + d.length, 0);
  const hostOnly = await tokenizerFor(await createRegistry({ injections: false }));
  const withInjections = await tokenizerFor(await createRegistry());
  const { injected, host } = await ctx.medians(
    { injected: () => withInjections(documents), host: () => hostOnly(documents) },
    { warmup: 1 },
  );
  return {
    name: 'grammar',
    results: [
      {
        metric: 'tokenize TS with the SQL and directive injections vs without',
        value: injected.ms,
        baseline: host.ms,
        unit: 'ms',
        target: '<= 1.5',
        note: `${documents.length} files, ${lines} lines, ${ctx.runs} runs`,
      },
    ],
  };
}
