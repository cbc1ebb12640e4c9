// The analysis entry point: analyses one file (following helpers into other project files) or many.
// Used by the CLI and the language server alike.
import { readFileSync, statSync } from 'node:fs';
import type { EvolveConfig } from './config';
import { cutStart, describeCut } from './deep-nesting';
import { firstSyntaxError, inCutStatement, nestingCutOf, parseSource, reparseSource } from './parse';
import { RULES } from './rules';
import { applyPrecedence } from './precedence';
import type { RuleReport } from './rule';
import { AnalysisBudgetExceeded, cpuMark, cpuMs, DEFAULT_BUDGET_MS, givingUpMessage, MAX_FILE_CHARS, nestingMessage, sizeMessage, withBudget } from './semantics/budget';
import { ProjectContext, type AnalysisHost } from './semantics/context';
import { forgetNodeFacts } from './semantics/node-facts';
import { runnerTransaction } from './semantics/transactions';
import { isSuppressed, parseSuppressions } from './suppression';
import { ts } from './ts';
import type { FileResult, Finding, Range, RuleId, SourceText } from './types';

export type { AnalysisHost } from './semantics/context';

export const diskHost: AnalysisHost = {
  readFile(path) {
    // Import resolution tries up to 20 paths per relative import, most of which do not exist: a stat
    // that returns undefined is far cheaper than a read that throws (an Error with its stack each).
    if (!statSync(path, { throwIfNoEntry: false })?.isFile()) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

function rangeOf(sf: ts.SourceFile, start: number, end: number): Range {
  return { start: sf.getLineAndCharacterOfPosition(start), end: sf.getLineAndCharacterOfPosition(end) };
}

/** The squiggle covers the node's first line (a loop's header, a statement's start), not its whole body. */
function defaultEnd(sf: ts.SourceFile, node: ts.Node, start: number): number {
  const lineEnd = sf.text.indexOf('\n', start);
  const end = Math.min(node.getEnd(), lineEnd < 0 ? sf.text.length : lineEnd);
  return Math.max(end, start + 1);
}

function fill(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(data[k] ?? ''));
}

export interface AnalyzerOptions {
  /** CPU time one file may take (default 2000 ms); past it the file gets an "analysis gave up" message. */
  budgetMs?: number;
}

/** How many analysed files with an editor buffer keep their tree for an incremental re-parse. */
const KEPT_TREES = 8;

const FILE_START: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export class Analyzer {
  private readonly overlays = new Map<string, string>();
  /** The analysed file and the files it imports, kept parsed across analyses until any of them changes. */
  private project = this.newProject();
  /** The last tree of the most recently analysed files, re-parsed incrementally after an edit. */
  private readonly trees = new Map<string, ts.SourceFile>();
  /**
   * The result of a kept tree's last complete analysis. A tree is kept for the same text, config and
   * imported files only: the language server re-analyses every open file after a keystroke in one.
   */
  private results = new WeakMap<ts.SourceFile, FileResult>();
  /** The imported paths each kept tree's result was worked out from: the project keeps only those. */
  private readonly lookups = new Map<string, ReadonlySet<string>>();

  constructor(
    private config: EvolveConfig,
    private readonly host: AnalysisHost = diskHost,
    private readonly options: AnalyzerOptions = {},
  ) {}

  setConfig(config: EvolveConfig): void {
    if (config === this.config) return;
    this.config = config;
    // What the semantics worked out about the kept trees' nodes may depend on the configuration.
    this.trees.clear();
    this.project = this.newProject();
  }

  private newProject(): ProjectContext {
    return new ProjectContext({ readFile: (p) => this.readFile(p) });
  }

  getConfig(): EvolveConfig {
    return this.config;
  }

  /** Editor buffers override the disk; `undefined` drops the override (the buffer closed). */
  setFileText(path: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(path);
    else this.overlays.set(path, text);
    if (text === undefined) this.trees.delete(path);
  }

  private readFile(path: string): string | undefined {
    return this.overlays.get(path) ?? this.host.readFile(path);
  }

  /**
   * Parses the file's text, incrementally when its previous tree is kept. A reused tree carries
   * nodes of the old one, so the node-keyed facts are forgotten first (semantics/node-facts.ts).
   * The same text keeps its tree, and the facts known about it. Only a buffer's tree is kept (`keep`):
   * a file read from disk (the workspace scan, the CLI) is not re-analysed after small edits.
   */
  private parse(path: string, source: string, keep: boolean): ts.SourceFile {
    const previous = this.trees.get(path);
    this.trees.delete(path);
    let sf = previous?.text === source ? previous : previous && reparseSource(previous, source);
    if (sf && sf !== previous) forgetNodeFacts();
    sf ??= parseSource(path, source);
    if (keep && !nestingCutOf(sf)) {
      this.trees.set(path, sf);
      if (this.trees.size > KEPT_TREES) this.trees.delete(this.trees.keys().next().value!);
    }
    return sf;
  }

  /** Never throws: a file that cannot be analysed gets a `fatal` message, with the findings made so far. */
  analyzeFile(path: string, text?: string): FileResult {
    const started = cpuMark();
    try {
      return withBudget(this.options.budgetMs ?? DEFAULT_BUDGET_MS, () => this.analyzeText(path, text, started));
    } catch (error) {
      this.trees.delete(path);
      const message = givingUpMessage(path, error, cpuMs() - started) ?? `Evolve could not analyse this file: ${(error as Error).message}. Please report it with the file.`;
      return { file: path, findings: [], fatal: { message, range: FILE_START } };
    } finally {
      // V8's young-generation GC holds every WeakMap value alive, whether its key is or not, until
      // a full GC: the facts cached about a tree (and the file's context) kept every tree of a
      // workspace scan alive long enough to be promoted to the old generation, where they piled up
      // as garbage (about 0.2 MB a file, 230 MB over 1,000 files). A tree that is not kept has no
      // use for them once analysed, so they go now.
      this.project.release();
      if (!this.trees.has(path)) forgetNodeFacts();
      this.retainKeptTreesLookups();
    }
  }

  /**
   * The project's files are re-read before every analysis to see whether any changed: it keeps only
   * those the kept trees' last analyses looked up (a lint run or a workspace scan keeps none, so it
   * reads each file's imports once, as a fresh project would, instead of every file seen so far).
   */
  private retainKeptTreesLookups(): void {
    const needed = new Set<string>();
    for (const [kept, paths] of this.lookups) {
      if (!this.trees.has(kept)) this.lookups.delete(kept);
      else for (const p of paths) needed.add(p);
    }
    this.project.retainOnly(needed);
  }

  private analyzeText(path: string, text: string | undefined, started: number): FileResult {
    const source = text ?? this.readFile(path);
    if (source === undefined) {
      return { file: path, findings: [], fatal: { message: `Cannot read ${path}.`, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } } };
    }
    if (source.length > MAX_FILE_CHARS) return { file: path, findings: [], fatal: { message: sizeMessage(path, source.length), range: FILE_START } };
    const project = this.project;
    if (project.refresh()) {
      // What is known about any tree may come from the imported files that changed.
      forgetNodeFacts();
      this.results = new WeakMap();
    }
    const sf = this.parse(path, source, text !== undefined || this.overlays.has(path));
    const known = this.results.get(sf);
    if (known) return known;
    project.addFile(path, sf);
    const result: FileResult = { file: path, findings: [] };
    const syntax = firstSyntaxError(sf);
    if (syntax) {
      result.fatal = {
        message: `Parsing error: ${ts.flattenDiagnosticMessageText(syntax.messageText, '\n')}`,
        range: rangeOf(sf, syntax.start, syntax.start + Math.max(1, syntax.length)),
      };
    }
    const cut = nestingCutOf(sf);
    if (cut) result.fatal = { message: nestingMessage(path, describeCut(cut, (o) => sf.getLineAndCharacterOfPosition(o).line)), range: rangeOf(sf, cutStart(cut), cutStart(cut)) };
    const suppressions = parseSuppressions(source);
    const runner = runnerTransaction(sf, this.config);
    const subjects = new Map<Finding, string[]>();
    for (const id of Object.keys(RULES) as RuleId[]) {
      const severity = this.config.rules[id] ?? RULES[id].meta.defaultSeverity;
      if (severity === 'off' || suppressions.file.has('*') || suppressions.file.has(id)) continue;
      const rule = RULES[id];
      const seen = new Set<string>();
      const report = (r: RuleReport) => {
        const start = r.node.getStart(sf);
        const range = rangeOf(sf, start, r.end ?? defaultEnd(sf, r.node, start));
        const key = `${start}:${r.messageId}`;
        if (seen.has(key) || isSuppressed(suppressions, id, range.start.line)) return;
        seen.add(key);
        const finding: Finding = {
          ruleId: id,
          messageId: r.messageId,
          message: fill(rule.meta.messages[r.messageId] ?? r.messageId, r.data),
          severity,
          file: path,
          range,
          start,
          end: r.end ?? defaultEnd(sf, r.node, start),
          fixes: r.fixes ?? [],
          suggestions: r.suggestions ?? [],
          related: (r.related ?? []).map((rel) => ({
            file: rel.node.getSourceFile().fileName,
            range: rangeOf(rel.node.getSourceFile(), rel.node.getStart(), defaultEnd(rel.node.getSourceFile(), rel.node, rel.node.getStart())),
            message: rel.message,
          })),
          data: r.facts,
        };
        result.findings.push(finding);
        subjects.set(finding, (r.subjects ?? [r.node, ...(r.related ?? []).map((rel) => rel.node)]).map((n) => `${n.getSourceFile().fileName}:${n.getStart()}`));
      };
      try {
        rule.check({ sf, config: this.config, runner, report });
      } catch (error) {
        // Out of time or stack: say so (over a parsing error) and keep the findings made so far.
        // A rule stopped half-way: the next analysis of this file starts from a new tree rather
        // than build on what this one left.
        this.trees.delete(path);
        const gaveUp = givingUpMessage(path, error, cpuMs() - started);
        if (gaveUp) result.fatal = { message: gaveUp, range: FILE_START };
        else if (!result.fatal) {
          result.fatal = { message: `Evolve could not finish analysing this file (${id}): ${(error as Error).message}. Please report it with the file.`, range: FILE_START };
        }
        if (error instanceof AnalysisBudgetExceeded) break;
      }
    }
    if (cut) result.findings = result.findings.filter((f) => !inCutStatement(sf, cut, f.start));
    result.findings = applyPrecedence(result.findings, (f) => subjects.get(f) ?? []);
    result.findings.sort((a, b) => a.start - b.start || a.ruleId.localeCompare(b.ruleId));
    if (this.trees.get(path) === sf) {
      // With the files it looked up: an analysis served from this result looks up none, yet
      // depends on them (they are re-read before each analysis while the tree is kept).
      this.results.set(sf, result);
      this.lookups.set(path, project.lookedUp());
    }
    return result;
  }
}

/** Analyses several files with one configuration. */
export function analyze(files: SourceText[], config: EvolveConfig, host: AnalysisHost = diskHost): FileResult[] {
  const analyzer = new Analyzer(config, host);
  for (const f of files) analyzer.setFileText(f.path, f.text);
  return files.map((f) => analyzer.analyzeFile(f.path, f.text));
}
