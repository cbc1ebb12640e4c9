// Per-file and per-project state for the semantic layer: parsed files, caches, module resolution.
import { dirname, join, resolve } from 'node:path';
import { librariesImported, type LibraryId } from '../libraries';
import { parseSource } from '../parse';
import { ts } from '../ts';
import { MAX_FILE_CHARS } from './budget';
import { treeIndex } from './tree-index';

export type Origin =
  /** An array of rows from a read; `bounded` when the read is limited, `page` when it pages. */
  | { kind: 'rows'; bounded: boolean; page: boolean; source: ts.Node }
  /** A cursor or async iterable over a read. */
  | { kind: 'cursor'; bounded: boolean; page: boolean; source: ts.Node }
  /** Slices of an array processed a chunk at a time. */
  | { kind: 'chunks'; of: Origin; source: ts.Node }
  /** One row. */
  | { kind: 'row' }
  /** A fixed list written in code (literal array, in-code registry, imported constant). */
  | { kind: 'fixed' }
  /** A value that is not a database: Map, Set, hash, HTTP or payment client, progress bar. */
  | { kind: 'non-db' }
  /** A database handle, model, collection or repository. */
  | { kind: 'db'; library?: LibraryId }
  /** A prepared statement whose SQL is known. */
  | { kind: 'statement'; sqlKind: string; bounded: boolean }
  | { kind: 'unknown' };

export const UNKNOWN: Origin = { kind: 'unknown' };

export interface AnalysisHost {
  /** Reads a file that is not the one being analysed (helpers in other files); undefined when absent. */
  readFile(path: string): string | undefined;
}

export class FileContext {
  readonly libraries: LibraryId[];
  readonly origins = new Map<ts.Node, Origin>();
  readonly summaries = new Map<ts.Node, unknown>();
  constructor(
    readonly project: ProjectContext,
    readonly path: string,
    readonly sf: ts.SourceFile,
  ) {
    const specs: string[] = [];
    for (const s of sf.statements) {
      if (ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier)) specs.push(s.moduleSpecifier.text);
    }
    // The calls of the tree index (which the rules use too), not a walk of its own; and not for a
    // file that never says `require`.
    if (sf.text.includes('require')) {
      for (const n of treeIndex(sf).nodes) {
        if (specs.length >= 200) break;
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments[0] && ts.isStringLiteral(n.arguments[0])) {
          specs.push(n.arguments[0].text);
        }
      }
    }
    this.imports = specs;
    this.libraries = librariesImported(specs);
  }
  readonly imports: string[];
}

const contexts = new WeakMap<ts.SourceFile, FileContext>();

/** The analysis context of the file a node belongs to (set when the file was added to a project). */
export function contextOf(node: ts.Node): FileContext | undefined {
  return contexts.get(node.getSourceFile());
}

const EXTENSIONS = ['', '.ts', '.tsx', '.js', '.mjs', '.cjs', '.mts', '.cts', '/index.ts', '/index.js'];

/**
 * The files of one analyser: the file being analysed and the project files it imports. An imported
 * file is parsed once and kept across analyses while its text stays the same (the editor analyses
 * the open file on every keystroke; its helpers rarely change meanwhile).
 */
export class ProjectContext {
  /** Imported files by path, with the text each was read with (undefined: unreadable; ctx null: not analysed). */
  private readonly files = new Map<string, { text: string | undefined; ctx: FileContext | null }>();
  private root: FileContext | undefined;
  private looked = new Set<string>();

  constructor(private readonly host: AnalysisHost) {}

  /**
   * Before an analysis: re-reads the kept files and drops them all when any text differs (a missing
   * file may have appeared). True when dropped: what was worked out from them is then stale too.
   */
  refresh(): boolean {
    let stale = false;
    for (const [path, entry] of this.files) {
      stale = this.host.readFile(path) !== entry.text;
      if (stale) break;
    }
    this.root = undefined;
    this.looked = new Set();
    if (stale) this.files.clear();
    return stale;
  }

  /** The paths the analysis since the last refresh looked up (found or not): what its result depends on. */
  lookedUp(): ReadonlySet<string> {
    return this.looked;
  }

  /**
   * Keeps only the files at these paths. What is kept is read again before every analysis
   * (refresh), so a workspace scan or a lint run, which keeps no trees, must not pile up every
   * file and every missed guess of import resolution it ever looked at.
   */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const [path, entry] of this.files) {
      if (paths.has(path)) continue;
      if (entry.ctx) contexts.delete(entry.ctx.sf);
      this.files.delete(path);
    }
  }

  /** After an analysis: forgets the analysed file's context (see Analyzer.analyzeFile). */
  release(): void {
    if (this.root) contexts.delete(this.root.sf);
    this.root = undefined;
  }

  /** Registers the file being analysed, parsed from the given text. */
  addFile(path: string, sf: ts.SourceFile): FileContext {
    const ctx = new FileContext(this, path, sf);
    this.root = ctx;
    contexts.set(sf, ctx);
    return ctx;
  }

  /** A project file imported by relative path, parsed on first use (undefined when unreadable). */
  load(path: string): FileContext | undefined {
    if (this.root?.path === path) return this.root;
    this.looked.add(path);
    const known = this.files.get(path);
    if (known) return known.ctx ?? undefined;
    const text = this.host.readFile(path);
    const ctx = text === undefined || text.length > MAX_FILE_CHARS ? null : new FileContext(this, path, parseSource(path, text));
    this.files.set(path, { text, ctx });
    if (ctx) contexts.set(ctx.sf, ctx);
    return ctx ?? undefined;
  }

  /** Resolves a relative import from a file to a project file; packages are not followed. */
  resolveImport(fromPath: string, specifier: string): FileContext | undefined {
    if (!specifier.startsWith('.')) return undefined;
    const base = resolve(dirname(fromPath), specifier);
    const stripped = base.replace(/\.(js|mjs|cjs)$/, '');
    for (const candidate of [base, stripped]) {
      for (const ext of EXTENSIONS) {
        const full = ext.startsWith('/') ? join(candidate, ext.slice(1)) : candidate + ext;
        const ctx = this.load(full);
        if (ctx) return ctx;
      }
    }
    return undefined;
  }
}
