// Child processes get argument arrays, never a shell: paths and URLs (a workspace folder, a
// database URL with its password) must not be parsed by a shell. A meta-test over the shipped
// sources (server, client, runtime): it fails when a shell-running call appears.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import test from 'node:test';
import ts from 'typescript';
import { libpqTarget } from '../../server/src/rehearsal/child/pg-clone';

const REPO = join(__dirname, '../..');
const SOURCE_FOLDERS = ['server/src', 'client/src', 'runtime/src'];
/** Calls that run a shell whatever their arguments. */
const SHELL_CALLS = new Set(['exec', 'execSync']);
/** Calls that take the program and its arguments apart (no shell unless asked for one). */
const ARGV_CALLS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
/** Justified exceptions, as "file: reason". None so far. */
const ALLOWED: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.(?:[cm]?[jt]s|tsx)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Names under which a file imports node:child_process functions, and its namespace aliases. */
function childProcessBindings(sf: ts.SourceFile): { functions: Map<string, string>; namespaces: Set<string> } {
  const functions = new Map<string, string>();
  const namespaces = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(?:node:)?child_process$/.test(node.moduleSpecifier.text)) {
      const clause = node.importClause;
      if (clause?.name) namespaces.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) namespaces.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) functions.set(el.name.text, (el.propertyName ?? el.name).text);
    }
    // const cp = require('child_process') / const { exec } = require('node:child_process')
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isCallExpression(node.initializer) && node.initializer.expression.getText(sf) === 'require') {
      const [arg] = node.initializer.arguments;
      if (arg && ts.isStringLiteral(arg) && /^(?:node:)?child_process$/.test(arg.text)) {
        if (ts.isIdentifier(node.name)) namespaces.add(node.name.text);
        if (ts.isObjectBindingPattern(node.name)) {
          for (const el of node.name.elements) functions.set(el.name.getText(sf), (el.propertyName ?? el.name).getText(sf));
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { functions, namespaces };
}

const builtFromParts = (node: ts.Expression): boolean =>
  (ts.isTemplateExpression(node) && node.templateSpans.length > 0) || (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken);

/** Every shell-running child process call in a file's text, as "line: what". */
function shellProblems(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const { functions, namespaces } = childProcessBindings(sf);
  const problems: string[] = [];
  const at = (node: ts.Node, what: string) => problems.push(`${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}: ${what}`);
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAssignment(node) && node.name.getText(sf) === 'shell' && node.initializer.kind !== ts.SyntaxKind.FalseKeyword) {
      at(node, `shell: ${node.initializer.getText(sf)} (a shell parses the command line)`);
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee)
        ? functions.get(callee.text)
        : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && namespaces.has(callee.expression.text)
          ? callee.name.text
          : undefined;
      if (name && SHELL_CALLS.has(name)) at(node, `${name}() runs its command through a shell; use execFile or spawn with an argument array`);
      if (name && ARGV_CALLS.has(name)) {
        const [command, args] = node.arguments;
        if (command && builtFromParts(command)) at(node, `${name}() with a command built from parts; pass the program alone and its arguments as an array`);
        if (args && (ts.isStringLiteral(args) || ts.isNoSubstitutionTemplateLiteral(args) || builtFromParts(args))) at(node, `${name}() with its arguments as a string`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return problems;
}

test('the checker finds each shell-running form (so an empty result below means something)', () => {
  const bad = `import { exec as run, execSync, spawn } from 'node:child_process';
import * as cp from 'child_process';
const { execFile } = require('child_process');
run(\`rm -rf \${dir}\`);
execSync('ls ' + dir);
cp.exec('x');
spawn('pg_dump', ['--dbname', url], { shell: true });
spawn(\`\${tool} --dbname=\${url}\`);
execFile('psql', '-c select');
spawn('node', [script], { shell: process.platform === 'win32' });
`;
  assert.deepEqual(shellProblems('bad.ts', bad).map((p) => p.split(':')[0]), ['4', '5', '6', '7', '8', '9', '10']);
  const good = `import { spawn } from 'node:child_process';
spawn(process.execPath, [script], { shell: false });
/^a/.exec(text); db.exec('BEGIN'); handle.exec(sql);
`;
  assert.deepEqual(shellProblems('good.ts', good), []);
});

test('no shipped source runs a child process through a shell', () => {
  const files = SOURCE_FOLDERS.flatMap((folder) => sourceFiles(join(REPO, folder)));
  assert.ok(files.length > 50, `found ${files.length} source files`);
  const found: string[] = [];
  for (const file of files) {
    const rel = relative(REPO, file);
    if (ALLOWED[rel]) continue;
    for (const problem of shellProblems(file, readFileSync(file, 'utf8'))) found.push(`${rel}:${problem}`);
  }
  assert.deepEqual(found, []);
});

test("pg_dump and pg_restore get the password through PGPASSWORD, never in their argv (which every user can read)", () => {
  for (const url of ['postgres://app:s3cret@db:5432/prod?sslmode=disable', 'postgres://app@db:5432/prod?password=s3cret&sslmode=disable']) {
    const target = libpqTarget(url);
    assert.ok(!target.url.includes('s3cret'), target.url);
    assert.equal(new URL(target.url).searchParams.get('sslmode'), 'disable', 'other parameters are kept');
    assert.equal(target.env.PGPASSWORD, 's3cret');
  }
  assert.equal(libpqTarget('postgres://app@db/prod').env.PGPASSWORD, process.env.PGPASSWORD, 'no password: the environment as it was');
});
