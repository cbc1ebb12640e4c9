// A push client on a copy of the knex-app fixture (no workspace scan) with its trim migration open
// and analysed: the starting point of the robustness cases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyFixture, LspClient } from './harness';

export const TRIM = 'migrations/20240101000000_trim_user_names.js';

export async function openTrim(t: { after: (fn: () => void) => void }): Promise<{ client: LspClient; uri: string; text: string }> {
  const ws = copyFixture('knex-app');
  const { client } = await LspClient.start(ws, undefined, { scanWorkspace: false });
  t.after(() => client.kill());
  const path = join(ws, TRIM);
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path, text);
  await client.diagnosticsFor(uri, (p) => p.version === 1);
  return { client, uri, text };
}
