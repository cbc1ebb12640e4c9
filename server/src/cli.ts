// The `evolve` command: `evolve lint` and `evolve rehearse`, on the same core as the editor.
import { isMainThread, workerData } from 'node:worker_threads';
import { LINT_USAGE, runLintCommand, type CliIo } from './cli/lint';
import { LINT_WORKER, runLintWorker } from './cli/parallel';
import { runRehearseCommand } from './rehearsal/cli-rehearse';

const USAGE = `Usage: evolve <command> [options]

Commands:
  lint [paths...]        Find unbatched loops and missing commits in evolve scripts
  rehearse <script>      Run a script against a snapshot of the database and report what it did

Run "evolve <command> --help" for a command's options.`;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'lint':
      return runLintCommand(rest, io);
    case 'rehearse':
      return runRehearseCommand(rest, io);
    case undefined:
    case '-h':
    case '--help':
      io.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    case '--version':
      io.stdout.write(`${process.env.EVOLVE_VERSION ?? '0.1.0'}\n`);
      return 0;
    default:
      io.stderr.write(`evolve: unknown command "${command}".\n\n${USAGE}\n\n${LINT_USAGE}\n`);
      return 2;
  }
}

/**
 * Runs this process's `evolve` command, or, in one of `evolve lint`'s worker threads, the worker's
 * part. `workerScript` is what lint starts its workers with (dist/cli.js, so that they load this
 * bundle through the code cache too); without it lint stays on the main thread.
 */
export function start(workerScript?: string): void {
  if (!isMainThread && (workerData as Record<string, unknown> | null)?.[LINT_WORKER]) {
    runLintWorker();
    return;
  }
  if (!isMainThread) return;
  main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), workerScript }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: Error) => {
      process.stderr.write(`evolve: internal error: ${error.stack ?? error.message}\nPlease report this with the command you ran.\n`);
      process.exitCode = 2;
    },
  );
}

// Run as a program itself (`node dist/cli-main.js`, `tsx server/src/cli.ts`) rather than started by
// dist/cli.js: the bundle can be its own workers; from sources lint stays on the main thread.
if (require.main === module) start(__filename.endsWith('.js') ? __filename : undefined);
