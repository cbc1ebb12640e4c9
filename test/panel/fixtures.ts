// Reads the recorded event streams (test/panel/record-fixtures.ts made them from real rehearsals).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RehearsalEventParams, RehearsalFinishedParams } from '../../server/src/lsp/protocol';

export type FixtureName = 'batched' | 'unbatched' | 'failed' | 'resume-check' | 'site-load';

export interface RecordedRun {
  events: RehearsalEventParams[];
  finished: RehearsalFinishedParams;
}

export function loadFixture(name: FixtureName): RecordedRun {
  const lines = readFileSync(join(__dirname, 'fixtures', `${name}.ndjson`), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const finished = lines.pop() as RehearsalFinishedParams;
  if (!finished.report) throw new Error(`${name}.ndjson does not end with the finished params: re-record it (test/panel/record-fixtures.ts).`);
  return { events: lines as RehearsalEventParams[], finished };
}
