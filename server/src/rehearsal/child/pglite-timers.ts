// PGlite's WebAssembly Postgres arms interval timers (e.g. a 10 s statistics flush) with
// setTimeout. They keep the event loop alive, so a plain script that has finished would look busy
// until they fire. Those timers are unref'd: they never stand for work the script still has to do.
const EMSCRIPTEN_TIMER = '__emscripten_timeout';

export function unrefPgliteTimers(): void {
  const original = globalThis.setTimeout;
  const patched = function (this: unknown, callback: unknown, ms?: number, ...args: unknown[]) {
    const timer = (original as (...a: unknown[]) => NodeJS.Timeout).call(globalThis, callback, ms, ...args);
    if (typeof callback === 'function' && (ms ?? 0) >= 1000 && Function.prototype.toString.call(callback).includes(EMSCRIPTEN_TIMER)) {
      timer.unref();
    }
    return timer;
  };
  globalThis.setTimeout = Object.assign(patched, original) as typeof setTimeout;
}
