// How long to wait between batches, so a long backfill leaves room for the site's own traffic.

export type ThrottleOptions =
  /** A fixed pause after every batch. */
  | { pauseMs: number }
  /**
   * Adaptive: while batches take longer than the target (the database is busy), the pause grows
   * (doubling, up to maxPauseMs, default 10 s); when they are back under it, the pause halves.
   */
  | { targetBatchMs: number; maxPauseMs?: number };

/** Returns a function that, given the batch's duration, says how long to pause before the next one. */
export function createThrottle(options: ThrottleOptions | undefined): (batchMs: number) => number {
  if (!options) return () => 0;
  if ('pauseMs' in options) {
    if (!(options.pauseMs >= 0)) throw new RangeError(`evolve-runtime: throttle.pauseMs must be a number >= 0, got ${options.pauseMs}.`);
    return () => options.pauseMs;
  }
  const { targetBatchMs, maxPauseMs = 10_000 } = options;
  if (!(targetBatchMs > 0)) throw new RangeError(`evolve-runtime: throttle.targetBatchMs must be a number > 0, got ${targetBatchMs}.`);
  let pauseMs = 0;
  return (batchMs) => {
    if (batchMs > targetBatchMs) pauseMs = Math.min(maxPauseMs, Math.max(pauseMs * 2, batchMs - targetBatchMs));
    else pauseMs = pauseMs < 1 ? 0 : pauseMs / 2;
    return Math.round(pauseMs);
  };
}
