// "Evolve: New Evolve Script": the script text for a library and a runner shape, already batched with
// eachBatch (checkpoint name, retries, progress), its file name, and the folder it belongs in.
// Editor-independent: the VS Code command (client/src/new-script.ts) asks the questions, tests call this.
import { sqlScript, mongoScript } from './bodies';

export const TEMPLATE_LIBRARIES = ['better-sqlite3', 'knex', 'pg', 'typeorm', 'mongodb'] as const;
export type TemplateLibrary = (typeof TEMPLATE_LIBRARIES)[number];
export type RunnerShape = 'plain' | 'knex-migration' | 'typeorm-migration' | 'migrate-mongo';

export const SHAPE_LABELS: Record<RunnerShape, string> = {
  plain: 'Plain script (default export)',
  'knex-migration': 'knex migration (up/down)',
  'typeorm-migration': 'TypeORM migration (MigrationInterface)',
  'migrate-mongo': 'migrate-mongo migration (up/down)',
};

/** The runner shapes a library can be written in. */
export function shapesFor(library: TemplateLibrary): RunnerShape[] {
  if (library === 'knex') return ['plain', 'knex-migration'];
  if (library === 'typeorm') return ['typeorm-migration'];
  if (library === 'mongodb') return ['plain', 'migrate-mongo'];
  return ['plain'];
}

/** The supported libraries among a package.json's dependencies, in TEMPLATE_LIBRARIES order. */
export function librariesIn(packageJson: unknown): TemplateLibrary[] {
  const pkg = (packageJson && typeof packageJson === 'object' ? packageJson : {}) as Record<string, unknown>;
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'peerDependencies']) {
    const deps = pkg[field];
    if (deps && typeof deps === 'object') for (const name of Object.keys(deps)) names.add(name);
  }
  return TEMPLATE_LIBRARIES.filter((l) => names.has(l));
}

const GLOB_CHARS = /[*?{}[\]!]/;

/**
 * The folder new scripts go in, relative to the config's root: the literal start of an include
 * pattern (a plain script prefers one naming `scripts`, a migration one naming `migrations`), else
 * the first; `scripts` without a config.
 */
export function scriptsFolder(include: readonly string[] | undefined, shape: RunnerShape): string {
  const folders = (include ?? []).map((pattern) => {
    const literal: string[] = [];
    for (const segment of pattern.split('/')) {
      if (segment === '**' && literal.length === 0) continue;
      if (GLOB_CHARS.test(segment) || segment.includes('.')) break;
      literal.push(segment);
    }
    return literal.join('/');
  }).filter((f) => f !== '');
  const preferred = shape === 'plain' ? /scripts/ : /migrations/;
  return folders.find((f) => preferred.test(f)) ?? folders[0] ?? 'scripts';
}

export interface NewScriptRequest {
  library: TemplateLibrary;
  shape: RunnerShape;
  /** Table (SQL) or collection (MongoDB) the script walks. */
  table: string;
  /** What the script does, e.g. "backfill display names": names the file and the checkpoint. */
  name: string;
  /** For the timestamps in migration file names. */
  now?: Date;
}

export interface NewScript {
  fileName: string;
  text: string;
  /** The checkpoint name eachBatch records progress under. */
  checkpoint: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

/** Why a table or collection name cannot go into the generated SQL/queries as is; undefined when it can. */
export function tableNameProblem(table: string): string | undefined {
  return IDENTIFIER.test(table) ? undefined : `"${table}" is not a plain table or collection name (letters, digits, _; optionally schema.table).`;
}

function words(name: string): string[] {
  return name.trim().toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

function stamp(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

export function newScript(request: NewScriptRequest): NewScript {
  const { library, shape, table } = request;
  if (!TEMPLATE_LIBRARIES.includes(library)) throw new Error(`No template for "${library}": use one of ${TEMPLATE_LIBRARIES.join(', ')}.`);
  if (!shapesFor(library).includes(shape)) throw new Error(`A ${SHAPE_LABELS[shape]} cannot use ${library}: pick one of ${shapesFor(library).map((s) => SHAPE_LABELS[s]).join(', ')}.`);
  const problem = tableNameProblem(table);
  if (problem) throw new Error(problem);
  const parts = words(request.name);
  if (parts.length === 0) throw new Error('Name the script with a few words, e.g. "backfill display names".');
  const kebab = parts.join('-');
  const now = request.now ?? new Date();
  const pascal = parts.map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  const fileName =
    shape === 'knex-migration' ? `${stamp(now)}_${parts.join('_')}.ts`
    : shape === 'typeorm-migration' ? `${now.getTime()}-${pascal}.ts`
    : shape === 'migrate-mongo' ? `${stamp(now)}-${kebab}.ts`
    : `${kebab}.ts`;
  const context = { table, checkpoint: kebab, className: `${pascal}${now.getTime()}` };
  const text = library === 'mongodb' ? mongoScript(shape, context) : sqlScript(library, shape, context);
  return { fileName, text, checkpoint: kebab };
}
