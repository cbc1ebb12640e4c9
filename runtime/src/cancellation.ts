// Turns an AbortSignal and Ctrl-C / SIGTERM into one "stop after this batch" request.
// A stop never interrupts a transaction: the batch in flight commits, then the run ends cancelled.

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StopWatch {
  /** Aborts when a stop is requested; used to cut pauses short. */
  readonly signal: AbortSignal;
  readonly requested: boolean;
  dispose(): void;
}

export function watchForStop(name: string, userSignal: AbortSignal | undefined, handleSignals: boolean): StopWatch {
  const controller = new AbortController();
  const onUserAbort = () => controller.abort(userSignal?.reason);
  if (userSignal?.aborted) onUserAbort();
  else userSignal?.addEventListener('abort', onUserAbort, { once: true });

  const onProcessSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(new Error(`received ${signal}`));
      process.stderr.write(`\n${name}: ${signal} received, finishing the current batch then stopping (send it again to stop at once; the batch in flight is then rolled back).\n`);
      return;
    }
    // Second signal: stop now. Without our listener Node applies the default action (exit).
    dispose();
    process.kill(process.pid, signal);
  };
  if (handleSignals) for (const s of STOP_SIGNALS) process.on(s, onProcessSignal);

  function dispose() {
    userSignal?.removeEventListener('abort', onUserAbort);
    for (const s of STOP_SIGNALS) process.off(s, onProcessSignal);
  }
  return {
    signal: controller.signal,
    get requested() {
      return controller.signal.aborted;
    },
    dispose,
  };
}
