// dist/server.js: starts the language server bundle (dist/server-main.js) through V8's code cache
// (code-cache.ts): compiling the bundle took 300-700 ms of every editor start without it.
import { join } from 'node:path';
import { loadBundle } from './code-cache';

// Saved at exit, and 10 s after the start: an editor's server may run for days.
loadBundle(join(__dirname, 'server-main.js'), { save: { afterMs: 10_000 } });
