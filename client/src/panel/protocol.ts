// The one typed message protocol between the extension (client/src/panel/*.ts) and the rehearsal
// panel's webview (client/src/panel/webview/). Both sides import this file; the extension validates
// every message it receives with parseWebviewMessage before acting on it. The webview posts `ready`
// when it has loaded (first load, reveal after being hidden, window reload) and the extension answers
// with the full state; after that it sends events as they come.
import type { RehearseArgs, RehearsalEventParams } from '../../../server/src/lsp/protocol';
import type { RehearsalReport } from '../../../server/src/rehearsal/protocol';
import type { RunView } from './state';

/** What the panel shows about one run, before and after it finishes. */
export interface RunInfo {
  runId: string;
  /** The script's file URI, and how it is shown. */
  uri: string;
  scriptLabel: string;
  /** The snapshot as chosen (name, path or URL with credentials removed). */
  snapshotLabel: string;
  args: RehearseArgs;
  /** Epoch ms. */
  startedAt: number;
}

/** Everything the webview needs to draw a run from scratch (sent on `ready`). */
export interface PanelState {
  run: RunInfo;
  /**
   * The run so far, folded by the extension with the same reducer as the webview (state.ts), so
   * its size is bounded however long the run; absent: start from an empty view.
   */
  view?: RunView;
  /** Events not yet folded into `view`, in order (the webview folds them). */
  events: RehearsalEventParams[];
  report: RehearsalReport | null;
  /** A previous run of the same script, for "Compare with previous run". */
  previous: { run: RunInfo; report: RehearsalReport } | null;
  /** Said under the status, e.g. that a window reload ended the run's events. */
  note?: string;
}

export type ExtensionToWebview =
  | { type: 'state'; state: PanelState }
  | { type: 'event'; event: RehearsalEventParams }
  | { type: 'finished'; report: RehearsalReport }
  /** The answer to `compareWithPrevious`: null when no earlier run of the same script is kept. */
  | { type: 'compare'; previous: { run: RunInfo; report: RehearsalReport } | null };

export type WebviewToExtension =
  | { type: 'ready' }
  | { type: 'cancel' }
  | { type: 'rehearseAgain' }
  | { type: 'openReportJson' }
  | { type: 'compareWithPrevious' }
  /** A source location in the error's stack (file path or URI, 1-based line and column). */
  | { type: 'openLocation'; file: string; line: number; column: number };

const SIMPLE = new Set(['ready', 'cancel', 'rehearseAgain', 'openReportJson', 'compareWithPrevious']);

/** A webview message the extension may act on, or null for anything else (never trusted as is). */
export function parseWebviewMessage(value: unknown): WebviewToExtension | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const message = value as Record<string, unknown>;
  if (typeof message.type !== 'string') return null;
  if (SIMPLE.has(message.type)) return { type: message.type } as WebviewToExtension;
  if (message.type === 'openLocation') {
    const { file, line, column } = message;
    const isPosition = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n < 10_000_000;
    if (typeof file === 'string' && file.length > 0 && file.length < 4096 && isPosition(line) && isPosition(column)) {
      return { type: 'openLocation', file, line: line as number, column: column as number };
    }
  }
  return null;
}
