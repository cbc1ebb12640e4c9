// `evolve lint [paths...] [--format stylish|json|sarif] [--max-warnings N] [--include-hints] [--config FILE]`
import { ConfigError } from '../core/config';
import { loadConfig } from '../core/config-file';
import { expandPaths, UsageError } from './files';
import { formatJson, formatSarif, formatStylish, toEslintResults } from './formatters';
import { analyzeFiles, defaultThreads } from './parallel';

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  cwd: string;
  /** The CLI bundle, which lint's worker threads run; without it lint uses the main thread only. */
  workerScript?: string;
}

export const LINT_USAGE = `Usage: evolve lint [paths...] [options]

Analyses evolve scripts (data migrations, backfills) for unbatched loops and missing commits.
Files named here are always analysed; folders are expanded with evolve.config.json's patterns.

Options:
  --format stylish|json|sarif   Output format (default: stylish)
  --max-warnings N              Exit 1 when there are more than N warnings (default: unlimited)
  --include-hints               Include hint-severity findings in json and sarif output
  --config FILE                 Use this evolve.config.json instead of the nearest one
  --threads N                   Analyse on N threads (default: one per CPU but one, at most 4; 1 = no workers)
  -h, --help                    Show this help

Exit codes: 0 no errors and warnings within --max-warnings; 1 errors, too many warnings or a file
that cannot be parsed; 2 usage or configuration error.`;

interface LintOptions {
  paths: string[];
  format: 'stylish' | 'json' | 'sarif';
  maxWarnings: number;
  includeHints: boolean;
  config?: string;
  threads: number;
}

function parseArgs(argv: string[]): LintOptions | 'help' {
  const opts: LintOptions = { paths: [], format: 'stylish', maxWarnings: Infinity, includeHints: false, threads: defaultThreads() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (name: string) => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value.`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--format' || a.startsWith('--format=')) {
      const f = value('--format');
      if (f !== 'stylish' && f !== 'json' && f !== 'sarif') throw new UsageError(`Unknown format "${f}": use stylish, json or sarif.`);
      opts.format = f;
    } else if (a === '--max-warnings' || a.startsWith('--max-warnings=')) {
      const n = Number(value('--max-warnings'));
      if (!Number.isInteger(n) || n < -1) throw new UsageError('--max-warnings needs a whole number (-1 for unlimited).');
      opts.maxWarnings = n < 0 ? Infinity : n;
    } else if (a === '--include-hints') opts.includeHints = true;
    else if (a === '--config' || a.startsWith('--config=')) opts.config = value('--config');
    else if (a === '--threads' || a.startsWith('--threads=')) {
      const n = Number(value('--threads'));
      if (!Number.isInteger(n) || n < 1) throw new UsageError('--threads needs a whole number of at least 1.');
      opts.threads = n;
    }
    else if (a.startsWith('-')) throw new UsageError(`Unknown option ${a}.`);
    else opts.paths.push(a);
  }
  return opts;
}

export async function runLintCommand(argv: string[], io: CliIo): Promise<number> {
  let opts: LintOptions | 'help';
  try {
    opts = parseArgs(argv);
  } catch (error) {
    io.stderr.write(`evolve lint: ${(error as Error).message}\n\n${LINT_USAGE}\n`);
    return 2;
  }
  if (opts === 'help') {
    io.stdout.write(LINT_USAGE + '\n');
    return 0;
  }
  try {
    const config = loadConfig(io.cwd, opts.config);
    const files = expandPaths(opts.paths, io.cwd, config);
    const results = await analyzeFiles(files, config, { threads: opts.threads, workerScript: io.workerScript, init: { cwd: io.cwd, config: opts.config } });
    const eslint = toEslintResults(results, { includeHints: opts.includeHints });
    if (opts.format === 'json') io.stdout.write(formatJson(eslint) + '\n');
    else if (opts.format === 'sarif') io.stdout.write(formatSarif(eslint, io.cwd) + '\n');
    else io.stdout.write(formatStylish(eslint, io.cwd, !!io.stdout.isTTY) + '\n');
    const errors = eslint.reduce((n, r) => n + r.errorCount, 0);
    const warnings = eslint.reduce((n, r) => n + r.messages.filter((m) => m.severity === 1 && !m.hint).length, 0);
    if (errors > 0) return 1;
    if (warnings > opts.maxWarnings) {
      if (opts.format === 'stylish') io.stderr.write(`evolve lint: ${warnings} warnings exceed --max-warnings ${opts.maxWarnings}.\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr.write(`evolve lint: invalid configuration:\n${error.message}\n`);
      return 2;
    }
    if (error instanceof UsageError) {
      io.stderr.write(`evolve lint: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
