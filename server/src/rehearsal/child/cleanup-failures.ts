// What the report says when cleaning up after the run failed: which scratch database stays and what
// to do about it, and, when it stays because the server stopped answering, that this is also why the
// run failed (the script only saw "Connection terminated unexpectedly").
import { ScratchLeftError } from './pg-scratch';

/** Shown without a stack: the cause is the server, not a line of the script. */
class ServerGoneError extends Error {
  override name = 'RehearsalSetupError';
}

/** The run's error with the cleanup failures added (the error itself when there are none). */
export function withCleanupFailures(error: unknown, failures: unknown[]): unknown {
  if (failures.length === 0) return error;
  const notes = failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n');
  const gone = failures.find((f): f is ScratchLeftError => f instanceof ScratchLeftError && f.serverGone);
  if (error === null || error === undefined) return new ServerGoneError(notes);
  const cause = error instanceof Error ? error.message : String(error);
  // Evolve's own setup errors already say what happened (a clone that filled the server's disk).
  const explained = error instanceof Error && error.name === 'RehearsalSetupError';
  if (gone && !explained) return new ServerGoneError(`PostgreSQL at ${gone.server} stopped answering during the rehearsal (${cause}).\n${notes}`);
  if (explained) return new ServerGoneError(`${cause}\n${notes}`);
  if (!(error instanceof Error)) return new Error(`${cause}\n${notes}`);
  // Keep the script's stack: the notes go after its message, in the stack's first lines too.
  const message = `${error.message}\n${notes}`;
  error.stack = error.stack?.replace(error.message, message);
  error.message = message;
  return error;
}
