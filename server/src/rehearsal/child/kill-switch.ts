// The resume check's crash: the child SIGKILLs itself right after the n-th committed batch or
// transaction (or once n rows are written), so the kill point is exact and reproducible, and no
// `finally`, exit handler or driver close runs, as in a real crash.
import type { ProgressEvent } from '../../../../runtime/src/progress-events';
import type { KillPoint } from '../protocol';
import { sendEvent } from './channel';
import type { Tracer } from './tracer';

function die(killAt: KillPoint): never {
  sendEvent({ type: 'kill-point', killAt });
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable: SIGKILL did not end the process');
}

/**
 * Watches the tracer for the kill point. Batches come from evolve-runtime's events (emitted after
 * the batch and its checkpoint commit); transactions and rows from the tracer itself.
 */
export function armKillSwitch(tracer: Tracer, killAt: KillPoint): { onRuntimeEvent(event: ProgressEvent): void } {
  if (killAt.unit === 'transaction') {
    const closed = tracer.transactionClosed.bind(tracer);
    tracer.transactionClosed = (state, outcome) => {
      closed(state, outcome);
      if (tracer.commits >= killAt.n) die(killAt);
    };
  } else if (killAt.unit === 'row') {
    const statement = tracer.statement.bind(tracer);
    tracer.statement = (info, read, written, inTransaction) => {
      statement(info, read, written, inTransaction);
      if (tracer.rowsWritten >= killAt.n) die(killAt);
    };
  }
  return {
    onRuntimeEvent(event) {
      if (killAt.unit === 'batch' && event.type === 'batch' && tracer.batches >= killAt.n) die(killAt);
    },
  };
}
