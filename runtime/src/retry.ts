// Which errors mean "another transaction got in the way, try again", and the backoff that retries them.
// Libraries wrap driver errors differently (Sequelize: `parent`/`original`, TypeORM: `driverError`,
// standard: `cause`), so every check walks the whole chain.

const POSTGRES_CONFLICTS = new Set(['40001', '40P01', '55P03']); // serialization failure, deadlock, lock not available
const MYSQL_CONFLICTS = new Set([1213, 1205]); // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
const MYSQL_CONFLICT_CODES = new Set(['ER_LOCK_DEADLOCK', 'ER_LOCK_WAIT_TIMEOUT']);
const MONGO_WRITE_CONFLICT = 112;
const SQLITE_CONFLICT = /^SQLITE_(BUSY|LOCKED)(_[A-Z]+)?$/;
const PRISMA_ITX_TIMEOUT = /expired transaction|timeout for this transaction/i;

type ErrorLike = Record<string, unknown>;

function errorChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  let current = error;
  while (current !== null && typeof current === 'object' && !chain.includes(current as ErrorLike) && chain.length < 10) {
    const e = current as ErrorLike;
    chain.push(e);
    current = e.cause ?? e.parent ?? e.original ?? e.driverError;
  }
  return chain;
}

function hasMongoLabel(e: ErrorLike, label: string): boolean {
  if (typeof e.hasErrorLabel === 'function') return Boolean((e.hasErrorLabel as (l: string) => boolean)(label));
  return Array.isArray(e.errorLabels) && e.errorLabels.includes(label);
}

/** Prisma's P2028 for an interactive transaction that ran past its timeout: retrying repeats the timeout. */
export function isTransactionTimeout(error: unknown): boolean {
  return errorChain(error).some((e) => e.code === 'P2028' && PRISMA_ITX_TIMEOUT.test(String(e.message ?? '')));
}

/** True when the error is a conflict with another transaction, which a retry can resolve. */
export function isConflictError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const code = e.code;
    if (typeof code === 'string') {
      if (POSTGRES_CONFLICTS.has(code) || SQLITE_CONFLICT.test(code) || MYSQL_CONFLICT_CODES.has(code)) return true;
      if (code === 'P2034') return true;
      if (code === 'P2028') return !PRISMA_ITX_TIMEOUT.test(String(e.message ?? ''));
    }
    if (typeof e.errno === 'number' && MYSQL_CONFLICTS.has(e.errno)) return true;
    if (code === MONGO_WRITE_CONFLICT || hasMongoLabel(e, 'TransientTransactionError')) return true;
    return false;
  });
}

/** The conflict's code and message, for progress events and final errors. */
export function describeError(error: unknown): string {
  const [first] = errorChain(error);
  if (!first) return String(error);
  const coded = errorChain(error).find((e) => e.code !== undefined || e.errno !== undefined);
  const code = coded ? String(coded.code ?? coded.errno) : undefined;
  const message = String(first.message ?? error);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

export interface RetryOptions {
  /** Retries after the first attempt; default 5. */
  retries?: number;
  /** First delay; each retry doubles it, up to maxDelayMs. Defaults 50 and 5000. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Which errors to retry; default isConflictError. */
  shouldRetry?: (error: unknown) => boolean;
  /** Called before each retry's delay. */
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Stops waiting when aborted; the last error is thrown. */
  signal?: AbortSignal;
}

/** Exponential backoff with "full jitter": a random delay up to the doubled ceiling, so retries spread out. */
export function backoffDelay(attempt: number, baseDelayMs = 50, maxDelayMs = 5000): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Waits `ms`, or less when the signal aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

export class RetriesExhaustedError extends Error {
  constructor(readonly attempts: number, cause: unknown) {
    super(`still conflicting after ${attempts} attempts: ${describeError(cause)}`, { cause });
    this.name = 'RetriesExhaustedError';
  }
}

/**
 * Runs `fn`, and again after a backoff delay each time it fails with a conflict, up to `retries` times.
 * `fn` must be a whole transaction (it is re-run from the start). Other errors are thrown at once;
 * after the last retry a RetriesExhaustedError carries the last conflict as its cause.
 */
export async function retryOnConflict<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const retries = options.retries ?? 5;
  const shouldRetry = options.shouldRetry ?? isConflictError;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (!shouldRetry(error) || options.signal?.aborted) throw error;
      if (attempt >= retries) throw new RetriesExhaustedError(attempt + 1, error);
      const delayMs = backoffDelay(attempt + 1, options.baseDelayMs, options.maxDelayMs);
      options.onRetry?.(error, attempt + 1, delayMs);
      await pause(delayMs, options.signal);
    }
  }
}
