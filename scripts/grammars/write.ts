// Writes the grammars of syntaxes/ from their sources here. Usage: npx tsx scripts/grammars/write.ts
// (test/grammar.test.ts fails when a committed grammar differs from what this writes).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { directivesGrammar } from './directives';
import { sqlInjectionGrammar } from './sql-injection';
import type { Rule } from './tm';

export const GENERATED_GRAMMARS: Record<string, () => Rule> = {
  'syntaxes/evolve-sql.injection.tmLanguage.json': sqlInjectionGrammar,
  'syntaxes/evolve-directives.injection.tmLanguage.json': directivesGrammar,
};

export function grammarJson(grammar: Rule): string {
  return JSON.stringify(grammar, null, 2) + '\n';
}

if (require.main === module) {
  const root = join(__dirname, '..', '..');
  for (const [path, grammar] of Object.entries(GENERATED_GRAMMARS)) {
    writeFileSync(join(root, path), grammarJson(grammar()));
    console.log(`Wrote ${path}`);
  }
}
