// How long to wait between batches, so a long backfill leaves room for the site's own traffic.

export type ThrottleOptions =
  /** A fixed pause after every batch. */
  | { pauseMs: number }
  /**
   * Adaptive: while batches take longer than the target (the database is busy), the pause grows
   * (doubling, up to maxPauseMs, default 10 s); when they are back under it, the pause halves.
   */
  | { targetBatchMs: number; maxPauseMs?: number }
  /**
   * Proportional: the batches hold the database at most this share of the time (0 < dutyCycle <= 1);
   * after a batch of B ms the pause is B × (1 − dutyCycle) / dutyCycle, up to maxPauseMs (default
   * 10 s), and at least minPauseMs (default 0). For SQLite, whose waiting writers poll with sleeps
   * that grow with their wait: the longer the batch held the write lock, the longer the gap they need
   * to find it free; and a gap shorter than their shortest sleeps (minPauseMs) is one they sleep through.
   */
  | { dutyCycle: number; maxPauseMs?: number; minPauseMs?: number };

function checkMaxPause(maxPauseMs: number): number {
  if (!(maxPauseMs >= 0)) throw new RangeError(`evolve-runtime: throttle.maxPauseMs must be a number >= 0, got ${maxPauseMs}.`);
  return maxPauseMs;
}

/** Returns a function that, given the batch's duration, says how long to pause before the next one. */
export function createThrottle(options: ThrottleOptions | undefined): (batchMs: number) => number {
  if (!options) return () => 0;
  if ('pauseMs' in options) {
    if (!(options.pauseMs >= 0)) throw new RangeError(`evolve-runtime: throttle.pauseMs must be a number >= 0, got ${options.pauseMs}.`);
    return () => options.pauseMs;
  }
  if ('dutyCycle' in options) {
    const { dutyCycle } = options;
    if (!(dutyCycle > 0 && dutyCycle <= 1)) throw new RangeError(`evolve-runtime: throttle.dutyCycle must be a number > 0 and <= 1 (the share of time batches may run), got ${dutyCycle}.`);
    const maxPauseMs = checkMaxPause(options.maxPauseMs ?? 10_000);
    const minPauseMs = options.minPauseMs ?? 0;
    if (!(minPauseMs >= 0 && minPauseMs <= maxPauseMs)) throw new RangeError(`evolve-runtime: throttle.minPauseMs must be a number >= 0 and <= maxPauseMs (${maxPauseMs}), got ${minPauseMs}.`);
    const ratio = (1 - dutyCycle) / dutyCycle;
    return (batchMs) => Math.round(Math.min(maxPauseMs, Math.max(minPauseMs, batchMs * ratio)));
  }
  const { targetBatchMs } = options;
  const maxPauseMs = checkMaxPause(options.maxPauseMs ?? 10_000);
  if (!(targetBatchMs > 0)) throw new RangeError(`evolve-runtime: throttle.targetBatchMs must be a number > 0, got ${targetBatchMs}.`);
  let pauseMs = 0;
  return (batchMs) => {
    if (batchMs > targetBatchMs) pauseMs = Math.min(maxPauseMs, Math.max(pauseMs * 2, batchMs - targetBatchMs));
    else pauseMs = pauseMs < 1 ? 0 : pauseMs / 2;
    return Math.round(pauseMs);
  };
}
