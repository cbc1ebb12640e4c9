// Generates a deterministic set of realistic evolve scripts (varied libraries, shapes and sizes)
// for the lint benchmark: the same seed always gives the same files, so runs stay comparable.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LIBRARIES } from './script-libraries.mjs';

/** mulberry32: a tiny seeded PRNG, plenty for picking templates. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TABLES = ['users', 'orders', 'invoices', 'customers', 'products', 'subscriptions', 'accounts', 'sessions', 'payments', 'shipments', 'articles', 'addresses', 'reviews', 'carts'];
const FIELDS = ['status', 'email', 'display_name', 'slug', 'currency', 'country', 'plan', 'region', 'search_terms', 'tier', 'locale', 'phone'];
const FILTERS = [['status', "'active'"], ['country', "'DE'"], ['plan', "'legacy'"], ['archived', 'false'], ['tier', "'gold'"], ['locale', "'en-GB'"]];
const VERBS = ['backfill', 'normalize', 'migrate', 'recompute', 'repair', 'tag', 'split', 'merge', 'rename', 'reprice'];
const ROW_NAMES = [['rows', 'row'], ['records', 'record'], ['pending', 'item'], ['targets', 'target'], ['matches', 'match']];

const pascal = (s) => s.replace(/(^|_)(\w)/g, (_, __, c) => c.toUpperCase());
const indent = (text, n) => text.split('\n').map((l) => (l ? ' '.repeat(n) + l : l)).join('\n');

/** Pure helpers that pad a script the way real ones are padded: parsing, formatting, rules. */
const HELPERS = [
  (p, ts) => `function normalize${p}(value${ts ? ': string | null' : ''})${ts ? ': string' : ''} {\n  if (value == null) return '';\n  return value\n    .normalize('NFKC')\n    .trim()\n    .replace(/\\s+/g, ' ')\n    .toLowerCase();\n}`,
  (p, ts) => `function is${p}Eligible(row${ts ? ': { createdAt?: Date; deletedAt?: Date | null }' : ''}, now = new Date())${ts ? ': boolean' : ''} {\n  if (row.deletedAt) return false;\n  const ageDays = (now.getTime() - (row.createdAt ?? now).getTime()) / 86_400_000;\n  return ageDays >= MIN_AGE_DAYS;\n}`,
  (p, ts) => `function format${p}(amountCents${ts ? ': number' : ''}, currency = 'EUR')${ts ? ': string' : ''} {\n  return new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(amountCents / 100);\n}`,
  (p, ts) => `function chunk${p}${ts ? '<T>' : ''}(list${ts ? ': T[]' : ''}, size${ts ? ': number' : ''})${ts ? ': T[][]' : ''} {\n  const out${ts ? ': T[][]' : ''} = [];\n  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));\n  return out;\n}`,
  (p, ts) => `function parse${p}(input${ts ? ': string' : ''})${ts ? ': { code: string; number: number } | undefined' : ''} {\n  const match = /^([A-Z]{2,3})-(\\d{4,})$/.exec(input.trim());\n  if (!match) return undefined;\n  return { code: match[1], number: Number(match[2]) };\n}`,
  (p, ts) => `function log${p}Progress(done${ts ? ': number' : ''}, total${ts ? ': number' : ''}, startedAt${ts ? ': number' : ''})${ts ? ': void' : ''} {\n  const seconds = (Date.now() - startedAt) / 1000;\n  const rate = done / Math.max(seconds, 0.001);\n  const eta = total > done ? Math.round((total - done) / rate) : 0;\n  console.log(\`${p.toLowerCase()}: \${done}/\${total} (\${rate.toFixed(1)}/s, eta \${eta}s)\`);\n}`,
  (p, ts) => `const ${p.toUpperCase()}_BY_COUNTRY${ts ? ': Record<string, string>' : ''} = {\n  DE: 'eu-central',\n  FR: 'eu-west',\n  NL: 'eu-west',\n  GB: 'uk',\n  US: 'us-east',\n  CA: 'us-east',\n  AU: 'ap-south',\n};`,
  (p, ts) => `function assert${p}(condition${ts ? ': unknown' : ''}, message${ts ? ': string' : ''})${ts ? ': asserts condition' : ''} {\n  if (!condition) {\n    throw new Error(\`${p}: \${message}. Fix the data by hand and re-run the script.\`);\n  }\n}`,
];

/** One migration step in a given shape; returns code for the body of the script's main function. */
function shapeCode(shape, lib, rnd, pick) {
  const table = pick(TABLES);
  const field = pick(FIELDS);
  const [where, value] = pick(FILTERS);
  const [rows, item] = pick(ROW_NAMES);
  const key = lib.key;
  const val = `normalize${pascal(field)}(${item}.${field})`;
  const write = (db) => lib.write(db, table, `${item}.${key}`, field, val);
  const size = pick([200, 500, 1000, 2000]);
  const pageLoop = (perPage) =>
    `let after${lib.ext === 'ts' ? ': any' : ''} = ${key === '_id' ? 'undefined' : '0'};\nwhile (true) {\n  const page = ${lib.page(table, field, 'after', size)};\n  if (page.length === 0) break;\n${indent(perPage, 2)}\n  after = page[page.length - 1].${key};\n}`;
  switch (shape) {
    case 'for-of':
      return { helper: field, code: `const ${rows} = ${lib.read(table, field, where, value)};\nfor (const ${item} of ${rows}) {\n  ${write(lib.handle)}\n}` };
    case 'promise-all':
      return { helper: field, code: `const ${rows} = ${lib.read(table, field, where, value)};\nawait Promise.all(${rows}.map(async (${item}${lib.ext === 'ts' ? ': any' : ''}) => {\n  ${write(lib.handle)}\n}));` };
    case 'for-each':
      return { helper: field, code: `const ${rows} = ${lib.read(table, field, where, value)};\n${rows}.forEach(async (${item}${lib.ext === 'ts' ? ': any' : ''}) => {\n  ${write(lib.handle)}\n});` };
    case 'keyset':
      return { helper: field, code: pageLoop(`for (const ${item} of page) {\n  ${write(lib.handle)}\n}`) };
    case 'tx-per-page':
      return { helper: field, code: pageLoop(lib.callbackTx(`  for (const ${item} of page) {\n    ${write(lib.txHandle)}\n  }`)) };
    case 'set-based':
      return { code: lib.setBased(table, field, `'${pick(['pending', 'migrated', 'eu-west', 'v2'])}'`, where, value) };
    case 'explicit-bad':
    case 'explicit-good': {
      const { open, handle, commit, rollback } = lib.explicit;
      const id = key === '_id' ? 'targetId' : `Number(process.env.TARGET_ID ?? ${Math.floor(rnd() * 9000) + 1000})`;
      const writes = `${lib.write(handle, table, id, field, `'${pick(['closed', 'merged', 'void'])}'`)}\n${lib.setBased(table, 'updated_by', "'evolve'", where, value)}`;
      if (shape === 'explicit-bad') return { code: `${open}\n${writes.replace(/\bknex\(/, 'trx(')}\n${commit}` };
      return { code: `${open}\ntry {\n${indent(writes.replace(/\bknex\(/, 'trx('), 2)}\n  ${commit}\n} catch (err) {\n  ${rollback}\n  throw err;\n}` };
    }
    case 'each-batch':
      return {
        helper: field,
        runtime: true,
        code: `await eachBatch(\n  {\n    adapter: ${lib.batch},\n    name: '${pick(VERBS)}-${table}-${field}',\n    size: ${size},\n    fetch: (after, size, tx) => ${lib.page(table, field, 'after', 'size').replace(/\b(knex|db|prisma|pool)\b(?=[.(])/, 'tx')},\n    key: (${item}) => ${item}.${key},\n  },\n  async (batch, tx) => {\n    for (const ${item} of batch) {\n      ${write('tx')}\n    }\n  },\n);` };
    case 'registry':
      return { code: `for (const [country, region] of Object.entries(REGIONS)) {\n  ${lib.setBased(table, 'region', 'region', 'country', 'country')}\n}`, registry: true };
    default:
      throw new Error(`unknown shape ${shape}`);
  }
}

const BAD = ['for-of', 'promise-all', 'for-each', 'explicit-bad'];
const GOOD = ['keyset', 'tx-per-page', 'set-based', 'explicit-good', 'each-batch', 'registry'];

function applicable(shape, lib) {
  if (shape.startsWith('explicit')) return Boolean(lib.explicit);
  if (shape === 'tx-per-page') return Boolean(lib.callbackTx);
  if (shape === 'each-batch') return Boolean(lib.batch);
  return true;
}

function buildScript(index, rnd) {
  const pick = (list) => list[Math.floor(rnd() * list.length)];
  const lib = LIBRARIES[index % LIBRARIES.length];
  const ts = lib.ext === 'ts';
  const bad = rnd() < 0.5;
  const shapes = [];
  const stepCount = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < stepCount; i++) {
    const pool = (bad && i === 0 ? BAD : rnd() < 0.3 ? BAD : GOOD).filter((s) => applicable(s, lib));
    shapes.push(shapeCode(pick(pool), lib, rnd, pick));
  }
  const target = 50 + Math.floor(rnd() * 236);
  const verb = pick(VERBS);
  const table = pick(TABLES);
  const header = `// ${verb} ${table}: data migration generated for the lint benchmark (script ${index}).\n// Runs against the live database; see the runbook before re-running.`;
  const imports = [...lib.imports(table)];
  if (shapes.some((s) => s.runtime)) imports.push(ts ? `import { eachBatch, ${lib.batch.split('(')[0]} } from 'evolve-runtime';` : `const { eachBatch, ${lib.batch.split('(')[0]} } = require('evolve-runtime');`);
  const constants = ['const MIN_AGE_DAYS = 30;'];
  if (shapes.some((s) => s.registry)) constants.push(`const REGIONS${ts ? ': Record<string, string>' : ''} = { DE: 'eu-central', FR: 'eu-west', GB: 'uk', US: 'us-east' };`);
  const helpers = [...new Set(shapes.map((s) => s.helper).filter(Boolean))].map((f) => HELPERS[0](pascal(f), ts));
  const steps = shapes.map((s, i) => `${s.code}\nconsole.log(\`${verb} ${table}: step ${i + 1} of ${shapes.length} done after \${Date.now() - startedAt} ms\`);`);
  const body = indent([lib.setup, 'const startedAt = Date.now();', ...steps].filter(Boolean).join('\n\n'), 2);
  const mainCode = lib.main
    ? lib.main(body, { safe: !bad })
    : `async function main()${ts ? ': Promise<void>' : ''} {\n${body}\n}\n\nmain().catch((err) => {\n  console.error(err);\n  process.exitCode = 1;\n});`;
  const assemble = () => [header, imports.join('\n'), constants.join('\n'), ...helpers, mainCode].filter(Boolean).join('\n\n') + '\n';
  let text = assemble();
  for (let n = 1; text.split('\n').length < target; n++) {
    const extra = HELPERS[1 + Math.floor(rnd() * (HELPERS.length - 1))](`${pascal(pick(FIELDS))}${n}`, ts);
    if (text.split('\n').length + extra.split('\n').length > 300) break;
    helpers.push(extra);
    text = assemble();
  }
  const name = `${String(index).padStart(4, '0')}-${verb}-${table.replace(/_/g, '-')}.${lib.ext}`;
  return { path: join(lib.folder, lib.name, name), text, library: lib.name, bad };
}

/**
 * Writes `count` scripts under `dir` (in migrations/ and scripts/ folders, which evolve's default
 * patterns cover) and returns their relative paths, line counts and libraries.
 */
export function generateScripts(dir, { count = 1000, seed = 20240611 } = {}) {
  const rnd = seededRandom(seed);
  const files = [];
  for (let i = 0; i < count; i++) {
    const script = buildScript(i, rnd);
    const full = join(dir, script.path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, script.text);
    files.push({ path: script.path, lines: script.text.split('\n').length - 1, library: script.library, bad: script.bad });
  }
  return files;
}
