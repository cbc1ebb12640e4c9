// Debounced, superseding work per key (a document URI): a newer request for the same key cancels
// the pending one, so only the latest text is analysed and no stale result is ever published.
export class DebouncedScheduler {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout; generation: number }>();
  private generation = 0;

  constructor(private readonly delayMs: number) {}

  /** Runs `work` after the delay unless superseded or cancelled first. */
  schedule(key: string, work: () => void): void {
    this.cancel(key);
    const generation = ++this.generation;
    const timer = setTimeout(() => {
      if (this.pending.get(key)?.generation !== generation) return;
      this.pending.delete(key);
      work();
    }, this.delayMs);
    this.pending.set(key, { timer, generation });
  }

  cancel(key: string): void {
    const entry = this.pending.get(key);
    if (entry) clearTimeout(entry.timer);
    this.pending.delete(key);
  }

  isPending(key: string): boolean {
    return this.pending.has(key);
  }

  dispose(): void {
    for (const key of [...this.pending.keys()]) this.cancel(key);
  }
}
