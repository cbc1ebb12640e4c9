// The child's end of the rehearsal channel: events go to fd 3 with blocking writes, so progress
// still flows while a synchronous script (better-sqlite3 in a loop) holds the event loop.
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseParentCommand, type ChildEvent, type ParentCommand } from '../protocol';

const EVENT_FD = 3;
let channelOpen = true;

export function sendEvent(event: ChildEvent): void {
  if (!channelOpen) return;
  const data = Buffer.from(JSON.stringify(event) + '\n');
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += writeSync(EVENT_FD, data, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A full pipe (the parent is busy): wait for it instead of dropping the event.
      if (code === 'EAGAIN') continue;
      // The parent is gone (EPIPE) or never gave us the channel: keep running silently;
      // the stdin watcher stops the run.
      channelOpen = false;
      return;
    }
  }
}

/**
 * Reads commands from stdin. The first must be `start`; later ones are `cancel`. When stdin ends,
 * the parent died or gave up: `onParentGone` runs so the child stops and removes its snapshot.
 */
export function readCommands(onCommand: (command: ParentCommand) => void, onParentGone: () => void): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    const command = parseParentCommand(line);
    if (command) onCommand(command);
    else sendEvent({ type: 'log', stream: 'stderr', line: `evolve: ignored a malformed command from the parent: ${line.slice(0, 200)}` });
  });
  lines.on('close', onParentGone);
}
