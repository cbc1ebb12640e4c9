// The picker's second step: a plain rehearsal (Enter), or one with a resume check or a simulated
// site load, whose number is asked for next.
import * as vscode from 'vscode';
import type { RehearseArgs } from '../../../server/src/lsp/protocol';

export type RunOptions = Pick<RehearseArgs, 'resumeCheck' | 'siteLoad'>;

async function askNumber(title: string, prompt: string, value: string, whole: boolean): Promise<number | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    value,
    validateInput: (t) => {
      const n = Number(t);
      return Number.isFinite(n) && n > 0 && (!whole || Number.isInteger(n)) ? undefined : whole ? 'A whole number, 1 or more' : 'A number above 0';
    },
  });
  return text === undefined ? undefined : Number(text);
}

/** undefined when the user backed out. */
export async function pickRunOptions(scriptLabel: string): Promise<RunOptions | undefined> {
  const items = [
    { label: '$(play) Rehearse', description: 'run the script once on the copy', options: 'plain' as const },
    { label: '$(debug-restart) Rehearse with a resume check…', description: 'also kill it K times and resume; compare the end states', options: 'resume' as const },
    { label: '$(pulse) Rehearse under simulated site load…', description: "measure what the site's requests feel meanwhile", options: 'site' as const },
  ];
  const chosen = await vscode.window.showQuickPick(items, { title: `Rehearse ${scriptLabel}: how`, placeHolder: 'Enter runs a plain rehearsal' });
  if (!chosen) return undefined;
  if (chosen.options === 'plain') return {};
  if (chosen.options === 'resume') {
    const kills = await askNumber('Resume check', 'How many times to kill the script (SIGKILL at a random committed batch) and resume it', '3', true);
    return kills === undefined ? undefined : { resumeCheck: kills };
  }
  const rate = await askNumber('Simulated site load', 'Site requests per second while the script runs', '50', false);
  return rate === undefined ? undefined : { siteLoad: rate };
}
