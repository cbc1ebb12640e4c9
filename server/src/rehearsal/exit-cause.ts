// Why the rehearsal child ended without a report, in words for the user: Node could not start, the
// run was stopped and did not stop in time, the script ran out of memory, or the process crashed.
export interface ChildExit {
  nodePath: string;
  minNodeMajor: number;
  spawnError: Error | null;
  code: number | null;
  signal: string | null;
  stopReason: string | null;
  /** The last lines the child wrote to stderr. */
  stderr: string[];
  /** The child's V8 heap limit, from its `started` event (null when it did not get that far). */
  heapLimitMb: number | null;
}

/** V8's last words when the heap is full ("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"). */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit|Allocation failed/;

const SIGNALS: Record<string, string> = {
  SIGABRT: 'it aborted: process.abort(), or a native module or Node itself failed',
  SIGSEGV: 'a native module (a database driver?) crashed',
  SIGBUS: 'a native module (a database driver?) crashed',
  SIGKILL: 'something outside Evolve killed it, such as the system when memory runs out',
};

export function describeExit(exit: ChildExit): string {
  const { nodePath, spawnError, code, signal, stopReason, stderr } = exit;
  if (spawnError) {
    const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
    return missing
      ? `Could not start Node at "${nodePath}": not found. Install Node ${exit.minNodeMajor}+ or set evolve.nodePath (--node) to its path.`
      : `Could not start Node at "${nodePath}": ${spawnError.message}`;
  }
  if (stopReason) return `The rehearsal was ${stopReason === 'timeout' ? 'stopped by its timeout' : 'cancelled'} and the script did not stop within the grace period, so it was killed.`;
  const tail = stderr.length ? `\n${stderr.join('\n')}` : '';
  if (stderr.some((line) => OUT_OF_MEMORY.test(line))) {
    const limit = exit.heapLimitMb === null ? '' : ` (heap limit ${exit.heapLimitMb} MB)`;
    return (
      `The script ran out of memory${limit}, so Node stopped the rehearsal. Does it hold every row at once (a findAll, an array of all ids)? ` +
      `Read in batches (evolve-runtime's eachBatch), or give Node more: NODE_OPTIONS=--max-old-space-size=<MB>.${tail}`
    );
  }
  const why = signal ? `signal ${signal}${SIGNALS[signal] ? `: ${SIGNALS[signal]}` : ''}` : `exit code ${code}`;
  return `The rehearsal process ended (${why}) before it reported.${tail}`;
}
