// The floor for `evolve lint`: a Node process that only parses every script with TypeScript's own
// ts.createSourceFile (with parent pointers, as the analyser needs) and exits.
// Usage: node bench/parse-floor.mjs FOLDER
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

function listScripts(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : listScripts(path);
    return /\.(ts|js|mjs|cjs|mts|cts)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench/parse-floor.mjs FOLDER');
  process.exit(2);
}
let statements = 0;
const files = listScripts(dir);
for (const file of files) {
  const kind = /\.(c|m)?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true, kind);
  statements += source.statements.length;
}
console.log(JSON.stringify({ files: files.length, statements }));
