// dist/cli.js, what bin/evolve.js runs: starts the CLI bundle (dist/cli-main.js) through V8's code
// cache (code-cache.ts). Compiling the bundle cost 150-250 ms of CPU in every `evolve` command and,
// for `evolve lint`, again in every worker thread: each worker runs this file too, and reads the
// cache its main thread saved (only the main thread writes it).
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { loadBundle } from './code-cache';

const cli = loadBundle(join(__dirname, 'cli-main.js'), { save: isMainThread ? {} : false }) as typeof import('./cli');
cli.start(__filename);
