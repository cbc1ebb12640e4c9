// Fuzz inputs for the analyzer, each fully determined by its seed: truncated and mutated real-looking
// scripts, random tokens, random bytes, nesting 1,000 deep, files of thousands of lines (50,000 for
// some seeds), BOM and CRLF, JSX and Flow, and valid scripts with garbage appended.
import { TEMPLATES, type Template } from './templates';
import { seededRandom } from '../../server/src/rehearsal/seeded-random';

export type Kind = 'truncated' | 'mutated' | 'tokens' | 'bytes' | 'deep' | 'huge' | 'bom-crlf' | 'garbage-appended' | 'garbage-helper' | 'flow';

export interface FuzzInput {
  seed: number;
  kind: Kind;
  /** How the input was made, for failure reports. */
  description: string;
  /** Path relative to the virtual project root. */
  file: string;
  text: string;
  /** Other project files (paths relative to the root), for helpers the script imports. */
  files?: Record<string, string>;
  /** A valid script this input contains unchanged: its findings (rule and line) must still be reported. */
  keeps?: Template;
}

/** The seeded generator the rehearsal uses too: the same seed gives the same input everywhere. */
export const random = seededRandom;

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];

const TOKENS = [
  'const', 'let', 'var', 'function', 'async', 'await', 'for', 'of', 'in', 'while', 'do', 'if', 'else', 'return', 'try', 'catch',
  'finally', 'class', 'extends', 'new', 'import', 'export', 'from', 'require', 'yield', 'typeof', 'interface', 'type', 'enum',
  '=>', '(', ')', '{', '}', '[', ']', ';', ',', '.', '?.', '?', ':', '=', '===', '+', '-', '*', '/', '%', '<', '>', '&&', '||',
  '??', '!', '++', '...', '`', '${', "'", '"', '/*', '*/', '//', '\n', '<div>', '</div>', '<>', '</>', '@Entity()', '#field',
  'knex', "knex('users')", 'users', 'rows', 'row', '.update({ n: 1 })', '.findMany()', 'prisma.user', 'db.collection("c")',
  'trx', 'trx.commit()', 'rollback', "'BEGIN'", 'pool.query', 'queryRunner', 'session.withTransaction', 'forEach', 'map',
  '0', '1e309', '0x', '"\\u{110000}"', '/[(]/g', 'null', 'undefined', 'this', 'super', 'arguments', 'eval', 'debugger',
];

export function randomTokens(rng: Rng, count: number): string {
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pick(rng, TOKENS));
  return out.join(rng() < 0.5 ? ' ' : '');
}

/** Any UTF-16 code units: NUL, control characters, lone surrogates, private use, the BOM. */
export function randomBytes(rng: Rng, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(rng() < 0.7 ? int(rng, 0, 127) : int(rng, 0, 0xffff));
  return s;
}

const DEEP: Record<string, (d: number) => string> = {
  braces: (d) => '{'.repeat(d) + '}'.repeat(d),
  parens: (d) => 'x = ' + '('.repeat(d) + '1' + ')'.repeat(d) + ';',
  arrays: (d) => 'x = ' + '['.repeat(d) + ']'.repeat(d) + ';',
  objects: (d) => 'x = ' + '{ a: '.repeat(d) + '1' + ' }'.repeat(d) + ';',
  calls: (d) => 'f('.repeat(d) + ')'.repeat(d) + ';',
  templates: (d) => 'x = ' + '`${'.repeat(d) + '1' + '}`'.repeat(d) + ';',
  arrows: (d) => 'const x = ' + '() => '.repeat(d) + '1;',
  elseIfs: (d) => 'if (a) {}' + ' else if (a) {}'.repeat(d),
  bareIfs: (d) => 'if (a) '.repeat(d) + 'x();',
  unary: (d) => 'x = ' + '!'.repeat(d) + 'a;',
  jsx: (d) => 'x = ' + '<a>'.repeat(d) + '</a>'.repeat(d) + ';',
  generics: (d) => 'let x: ' + 'A<'.repeat(d) + 'B' + '>'.repeat(d) + ';',
  functions: (d) => 'function f() {'.repeat(d) + '}'.repeat(d),
  rowLoops: (d) => "async function g(knex) { const rows = await knex('t');\n" + 'for (const r of rows) {\n'.repeat(d) + "await knex('t').where({ id: r.id }).update({ n: 1 });\n" + '}\n'.repeat(d) + '}',
  unclosed: (d) => 'function f() {' + '{('.repeat(d),
};

/** Appended garbage leaves out 1,000 nested loops over rows: analysing them takes the whole budget. */
const CHEAP_DEEP = Object.keys(DEEP).filter((k) => k !== 'rowLoops');

export function deepNesting(rng: Rng, shapes = Object.keys(DEEP)): { shape: string; text: string } {
  const shape = pick(rng, shapes);
  return { shape, text: DEEP[shape](1000) };
}

/** Whole-line tokens of a text: identifiers, numbers, runs of white space, single other characters. */
const tokenize = (text: string) => text.match(/[A-Za-z_$][\w$]*|\d+|\s+|[^\w\s]/g) ?? [];

/** Deletions, duplications and swapped tokens, 1 to 5 of them. */
export function mutate(rng: Rng, text: string): { text: string; steps: string[] } {
  const tokens = tokenize(text);
  const steps: string[] = [];
  for (let n = int(rng, 1, 5); n > 0 && tokens.length > 1; n--) {
    const at = int(rng, 0, tokens.length - 1);
    const op = pick(rng, ['delete', 'duplicate', 'swap', 'insert'] as const);
    if (op === 'delete') tokens.splice(at, int(rng, 1, 20));
    else if (op === 'duplicate') tokens.splice(at, 0, ...tokens.slice(at, at + int(rng, 1, 40)));
    else if (op === 'swap') {
      const other = int(rng, 0, tokens.length - 1);
      [tokens[at], tokens[other]] = [tokens[other], tokens[at]];
    } else tokens.splice(at, 0, pick(rng, TOKENS));
    steps.push(`${op}@${at}`);
  }
  return { text: tokens.join(''), steps };
}

const FLOW = [
  'type Props = {| +id: number, name?: ?string |};',
  'opaque type AccountId = string;',
  'import typeof KnexType from "knex";',
  'declare export function migrate(): Promise<void>;',
  'function isRow(x: mixed): boolean %checks { return !!x; }',
  'const ids = ((rows: any): Array<number>);',
  'export type Row = $ReadOnly<{ id: number, ...Base }>;',
  'class Job<+T, -U> { static +name: string; }',
];

/** A file of data the size generated seed scripts reach: `lines` rows of a literal array after a script. */
function hugeFile(template: Template, lines: number): string {
  const rows: string[] = [];
  for (let i = 0; i < lines; i++) rows.push(`  { id: ${i}, slug: 's${i}' },`);
  return `${template.text}\nconst ROWS = [\n${rows.join('\n')}\n];\nexport const count = ROWS.length;\n`;
}

function garbage(rng: Rng): { what: string; text: string } {
  const which = pick(rng, ['tokens', 'bytes', 'deep', 'truncated', 'mutated', 'flow'] as const);
  if (which === 'tokens') return { what: which, text: randomTokens(rng, int(rng, 1, 300)) };
  if (which === 'bytes') return { what: which, text: randomBytes(rng, int(rng, 1, 2000)) };
  if (which === 'deep') {
    const d = deepNesting(rng, CHEAP_DEEP);
    return { what: `deep ${d.shape}`, text: d.text };
  }
  const other = pick(rng, TEMPLATES);
  if (which === 'truncated') return { what: `truncated ${other.name}`, text: other.text.slice(0, int(rng, 0, other.text.length)) };
  if (which === 'mutated') return { what: `mutated ${other.name}`, text: mutate(rng, other.text).text };
  return { what: which, text: Array.from({ length: int(rng, 1, 4) }, () => pick(rng, FLOW)).join('\n') };
}

const WEIGHTS: [Kind, number][] = [
  ['truncated', 14], ['mutated', 18], ['tokens', 10], ['bytes', 8], ['deep', 12], ['huge', 1], ['bom-crlf', 8], ['garbage-appended', 22], ['garbage-helper', 6], ['flow', 5],
];
const EXTENSIONS = ['.ts', '.js', '.tsx', '.jsx', '.mjs', '.cjs'];

/** The input for one seed. */
export function generate(seed: number): FuzzInput {
  const rng = random(seed);
  let roll = rng() * WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const kind = (WEIGHTS.find(([, w]) => (roll -= w) < 0) ?? WEIGHTS[0])[0];
  const template = pick(rng, TEMPLATES);
  const base = { seed, kind, file: template.file };
  const otherExtension = () => template.file.replace(/\.\w+$/, pick(rng, EXTENSIONS));
  switch (kind) {
    case 'truncated': {
      const at = int(rng, 0, template.text.length);
      return { ...base, description: `${template.name} cut at offset ${at}`, text: template.text.slice(0, at) };
    }
    case 'mutated': {
      const m = mutate(rng, template.text);
      return { ...base, description: `${template.name} mutated: ${m.steps.join(', ')}`, text: m.text };
    }
    case 'tokens':
      return { ...base, file: otherExtension(), description: 'random tokens', text: randomTokens(rng, int(rng, 0, 2000)) };
    case 'bytes':
      return { ...base, file: otherExtension(), description: 'random bytes', text: randomBytes(rng, int(rng, 0, 5000)) };
    case 'deep': {
      const d = deepNesting(rng);
      return { ...base, file: otherExtension(), description: `nesting 1,000 deep: ${d.shape}`, text: d.text };
    }
    case 'huge': {
      const lines = rng() < 1 / 4 ? 50_000 : int(rng, 1_000, 5_000);
      return { ...base, description: `${template.name} followed by ${lines} lines of data`, text: hugeFile(template, lines) };
    }
    case 'bom-crlf': {
      const bom = rng() < 0.5;
      const crlf = !bom || rng() < 0.5;
      const text = (bom ? '\uFEFF' : '') + (crlf ? template.text.replace(/\n/g, '\r\n') : template.text);
      return { ...base, description: `${template.name} with${bom ? ' a BOM' : ''}${bom && crlf ? ' and' : ''}${crlf ? ' CRLF line ends' : ''}`, text, keeps: template };
    }
    case 'garbage-appended': {
      const g = garbage(rng);
      return { ...base, description: `${template.name} followed by garbage (${g.what})`, text: `${template.text}\n${g.text}`, keeps: template };
    }
    case 'garbage-helper': {
      // The script imports a helper from a file of garbage: the analysis follows imports into it.
      const g = garbage(rng);
      const helper = template.file.replace(/[^/]+$/, `helpers${pick(rng, EXTENSIONS)}`);
      const use = `\nimport { fixRow } from './helpers';\nexport const again = async (knex) => { for (const r of await knex('t')) await fixRow(knex, r); };\n`;
      return { ...base, description: `${template.name} importing a helper of garbage (${g.what})`, text: template.text + use, files: { [helper]: g.text }, keeps: template };
    }
    case 'flow': {
      const lines = template.text.split('\n');
      for (let n = int(rng, 1, 4); n > 0; n--) lines.splice(int(rng, 0, lines.length), 0, pick(rng, FLOW));
      return { ...base, file: template.file.replace(/\.\w+$/, '.js'), description: `${template.name} with Flow annotations`, text: `// @flow\n${lines.join('\n')}` };
    }
  }
}
