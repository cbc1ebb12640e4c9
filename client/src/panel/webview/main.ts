// The rehearsal panel's page script (bundled for the browser into dist/panel/webview.js).
// It posts `ready` when it loads; the extension answers with the run's full state, then sends each
// event as it comes. The page folds them with the same reducer the extension uses (../state.ts),
// draws at most once per frame, and keeps its view in setState so a hidden panel comes back at once.
import { formatCount, formatMs, formatPercent, type SourceLocation } from '../format';
import type { ExtensionToWebview, PanelState, RunInfo, WebviewToExtension } from '../protocol';
import { foldEvents, initialView, reduceEvent, reduceReport, type RunView } from '../state';
import { renderChart } from './chart';
import { renderComparison } from './compare-view';
import { byId, definitionList } from './dom';
import { renderLog, type LogState } from './log-view';
import { renderReport, STATUS_WORDS } from './report-view';

interface VsCodeApi<T> {
  postMessage(message: WebviewToExtension): void;
  getState(): T | undefined;
  setState(state: T): T;
}
declare function acquireVsCodeApi<T>(): VsCodeApi<T>;

/** What the page keeps across being hidden (setState) until the extension's answer to `ready`. */
interface ViewState {
  run: RunInfo;
  view: RunView;
  previous: PanelState['previous'];
  comparing: boolean;
  cancelling: boolean;
  note: string;
}

const vscode = acquireVsCodeApi<ViewState>();
let current: ViewState | null = vscode.getState() ?? null;
const post = (message: WebviewToExtension) => vscode.postMessage(message);
const log: LogState = { renderedTotal: -1, stickToBottom: true };
let renderedReport: unknown = null;
let renderedComparison: unknown = null;
let frame = 0;

function schedule(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    if (!current) return;
    render(current);
    vscode.setState(current);
  });
}

function receive(message: ExtensionToWebview): void {
  switch (message.type) {
    case 'state': {
      const { run, view, events, report, previous, note } = message.state;
      const folded = foldEvents(events, view ?? initialView());
      const same = current?.run.runId === run.runId;
      current = {
        run,
        view: report ? reduceReport(folded, report) : folded,
        previous,
        comparing: same ? current!.comparing && previous !== null : false,
        cancelling: same ? current!.cancelling : false,
        note: note ?? '',
      };
      // Another run is drawn from scratch. The same run's state (sent instead of a burst of events)
      // is the same fold the page drew from, so its log only gains lines: the reader keeps their place.
      if (!same) {
        log.renderedTotal = -1;
        log.renderedFinished = false;
      }
      renderedReport = renderedComparison = null;
      break;
    }
    case 'event':
      if (!current || message.event.runId !== current.run.runId) return;
      current = { ...current, view: reduceEvent(current.view, message.event) };
      break;
    case 'finished':
      if (!current) return;
      current = { ...current, view: reduceReport(current.view, message.report) };
      break;
    case 'compare':
      if (!current) return;
      current = { ...current, previous: message.previous, comparing: true };
      break;
    default:
      return;
  }
  schedule();
}

function render(state: ViewState): void {
  const { run, view } = state;
  const report = view.report;
  document.title = `Rehearsal: ${run.scriptLabel}`;
  byId('title').textContent = `Rehearsal of ${run.scriptLabel}`;
  byId('script-label').textContent = run.scriptLabel;
  byId('snapshot-label').textContent = `snapshot: ${run.snapshotLabel}`;
  setText(byId('status'), state.note && !view.report ? 'Interrupted' : statusWords(view, state.cancelling));
  byId('run-note').textContent = state.note;
  renderProgress(view);

  const cancel = byId<HTMLButtonElement>('cancel');
  // A note means the run is not going any more (e.g. a window reload ended it): nothing to cancel.
  byId('run-actions').hidden = report !== null || Boolean(state.note);
  cancel.disabled = state.cancelling;
  cancel.textContent = state.cancelling ? 'Cancelling…' : 'Cancel';

  setText(byId('chart-heading'), view.site.length > 0 ? 'Throughput, transactions and site latency' : 'Throughput and transactions');
  const chart = renderChart(view, report?.thresholds.maxTransactionMs ?? run.args.maxTransactionMs ?? null);
  if (chart) byId('chart').replaceChildren(chart);
  byId('chart-note').textContent = view.transactionsOmitted > 0 ? `Showing the ${formatCount(view.transactions.length)} longest of ${formatCount(view.counters.transactions)} transactions.` : '';
  renderCounters(view);
  renderLog(byId('log'), byId('log-note'), view, log);

  if (report !== renderedReport) {
    renderedReport = report;
    const container = byId('report');
    container.hidden = report === null;
    container.replaceChildren(...(report ? renderReport(report, openLocation) : []));
  }
  byId('report-actions').hidden = report === null;
  const compareButton = byId('compare');
  compareButton.setAttribute('aria-expanded', String(state.comparing));
  const comparison = byId('comparison');
  comparison.hidden = !state.comparing || report === null;
  const key = state.comparing && report ? state.previous ?? 'none' : null;
  if (key !== renderedComparison) {
    renderedComparison = key;
    byId('comparison-body').replaceChildren(...(report && state.comparing ? renderComparison({ run, report }, state.previous) : []));
  }
}

/** Only set when it changes: a live region re-announces every write. */
function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

function statusWords(view: RunView, cancelling: boolean): string {
  if (view.report) return `${STATUS_WORDS[view.report.status]} in ${formatMs(view.report.durationMs)}`;
  if (cancelling) return 'Cancelling: the script stops after its current batch…';
  const attempt = view.attempts > 1 ? ` (run ${view.attempts})` : '';
  if (view.phase === 'starting') return 'Starting…';
  if (view.phase === 'copying') return `Copying the snapshot…${attempt}`;
  return `Running${attempt}`;
}

function renderProgress(view: RunView): void {
  const bar = byId('progress');
  const fill = byId('progress-fill');
  const { progress } = view;
  const determinate = progress.fraction !== null;
  bar.classList.toggle('indeterminate', !determinate && view.phase !== 'finished');
  let text: string;
  if (determinate) {
    const percent = Math.round(progress.fraction! * 100);
    fill.style.width = `${progress.fraction! * 100}%`;
    bar.setAttribute('aria-valuenow', String(percent));
    text = progress.total !== null ? `${formatCount(progress.rows)} of ${formatCount(progress.total)} rows (${formatPercent(progress.fraction!)})` : `${formatCount(progress.rowsWritten)} rows written (done)`;
    if (progress.etaMs !== null && view.phase !== 'finished') text += ` · about ${formatMs(progress.etaMs)} left`;
  } else {
    fill.style.width = view.phase === 'finished' ? '0%' : '';
    bar.removeAttribute('aria-valuenow');
    text = `${formatCount(progress.rowsWritten)} rows written · total unknown (an eachBatch with a count reports one)`;
  }
  bar.setAttribute('aria-valuetext', text);
  byId('progress-text').textContent = `${text} · ${formatMs(progress.elapsedMs)} elapsed`;
}

function renderCounters(view: RunView): void {
  const c = view.counters;
  const afterRun = 'after the run';
  const rows: [string, string][] = [
    ['Batches', formatCount(c.batches)],
    ['Commits', formatCount(c.commits)],
    ['Rollbacks', formatCount(c.rollbacks)],
    ['Retries', formatCount(c.retries)],
    ['Conflicts', c.conflicts === null ? afterRun : formatCount(c.conflicts)],
    ['Longest transaction', formatMs(c.longestTransactionMs)],
    ['Writes outside transactions', c.writesOutsideTransactions === null ? afterRun : formatCount(c.writesOutsideTransactions)],
  ];
  if (c.openTransactionMs !== null && !view.report) rows.push(['Open transaction', formatMs(c.openTransactionMs)]);
  const list = definitionList(rows, { id: 'counters', class: 'counters' });
  byId('counters').replaceWith(list);
}

function openLocation(location: SourceLocation): void {
  post({ type: 'openLocation', file: location.file, line: location.line, column: location.column });
}

byId('cancel').addEventListener('click', () => {
  if (!current || current.cancelling) return;
  current = { ...current, cancelling: true };
  post({ type: 'cancel' });
  schedule();
});
byId('open-report-json').addEventListener('click', () => post({ type: 'openReportJson' }));
byId('rehearse-again').addEventListener('click', () => post({ type: 'rehearseAgain' }));
byId('compare').addEventListener('click', () => {
  if (current?.comparing) {
    current = { ...current, comparing: false };
    schedule();
  } else {
    post({ type: 'compareWithPrevious' });
  }
});
byId('log').addEventListener('scroll', (event) => {
  const node = event.currentTarget as HTMLElement;
  // Follow new lines only while the user is at the bottom: scrolling up to read stops the follow.
  log.stickToBottom = node.scrollTop + node.clientHeight >= node.scrollHeight - 4;
});
window.addEventListener('message', (event: MessageEvent) => {
  const data = event.data as ExtensionToWebview | null;
  if (data && typeof data === 'object' && typeof data.type === 'string') receive(data);
});

if (current) schedule();
post({ type: 'ready' });
