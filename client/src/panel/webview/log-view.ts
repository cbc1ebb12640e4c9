// The live tail of the script's log: new lines are appended (never the whole list redrawn, so a
// reader's selection and scroll position survive), the oldest removed past the view's bound, and
// the view follows the end only while the reader is at the bottom.
import { MAX_LOG_LINES, type RunView } from '../state';
import { h } from './dom';

export interface LogState {
  /** Lines drawn so far, counting the ones dropped since (the view's logDropped + log.length); -1: redraw. */
  renderedTotal: number;
  stickToBottom: boolean;
  /** The placeholder says whether more may come. */
  renderedFinished?: boolean;
}

export function renderLog(container: HTMLElement, note: HTMLElement, view: RunView, state: LogState): void {
  const total = view.logDropped + view.log.length;
  const fresh = total - state.renderedTotal;
  if (fresh === 0 && (view.log.length > 0 || view.phase !== 'finished' || state.renderedFinished)) return;
  state.renderedFinished = view.phase === 'finished';
  const line = (entry: RunView['log'][number]) => h('div', { class: `log-line log-${entry.stream}` }, entry.line);
  if (state.renderedTotal < 0 || fresh < 0 || fresh > view.log.length || container.querySelector('.placeholder')) {
    container.replaceChildren(...view.log.map(line));
  } else {
    container.append(...view.log.slice(view.log.length - fresh).map(line));
    while (container.childElementCount > MAX_LOG_LINES) container.firstElementChild?.remove();
  }
  state.renderedTotal = total;
  if (view.log.length === 0) container.replaceChildren(h('div', { class: 'placeholder' }, view.phase === 'finished' ? 'The script logged nothing.' : 'Nothing logged yet.'));
  note.textContent = view.logDropped > 0 ? `The last ${view.log.length} lines; ${view.logDropped} earlier lines are not kept.` : '';
  if (state.stickToBottom) container.scrollTop = container.scrollHeight;
}
