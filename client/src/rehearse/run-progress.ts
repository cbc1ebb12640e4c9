// A running rehearsal's progress outside its panel: a cancellable notification and a status bar
// item ("$(sync~spin) Rehearsing 42%"), both fed by the server's work-done progress for the run.
import * as vscode from 'vscode';
import type { WorkDoneProgressBegin, WorkDoneProgressEnd, WorkDoneProgressReport } from 'vscode-languageclient';

type ProgressValue = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

interface Shown {
  percentage?: number;
  message?: string;
}

/** One status bar item for every run in flight: the latest run's progress, and how many others go on. */
export class RehearsalStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('evolve.rehearsal', vscode.StatusBarAlignment.Left, 9);
  private readonly runs = new Map<string, { label: string; shown: Shown }>();
  private latest: string | undefined;

  constructor(private readonly revealCommand: string) {
    this.item.name = 'Evolve rehearsal';
  }

  update(runId: string, label: string, shown: Shown): void {
    this.runs.set(runId, { label, shown });
    this.latest = runId;
    this.render();
  }

  remove(runId: string): void {
    this.runs.delete(runId);
    if (this.latest === runId) this.latest = this.runs.keys().next().value;
    this.render();
  }

  private render(): void {
    const run = this.latest && this.runs.get(this.latest);
    if (!run || !this.latest) return this.item.hide();
    const { percentage, message } = run.shown;
    const others = this.runs.size > 1 ? ` (+${this.runs.size - 1})` : '';
    this.item.text = `$(sync~spin) Rehearsing${percentage === undefined ? '…' : ` ${percentage}%`}${others}`;
    this.item.tooltip = `Evolve: rehearsing ${run.label}${message ? `\n${message}` : ''}\n\nClick to show its panel.`;
    this.item.command = { title: 'Show rehearsal', command: this.revealCommand, arguments: [this.latest] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}

/**
 * Folds work-done progress values into what the notification and the status bar show. VS Code's
 * notification takes increments, so the last percentage is remembered.
 */
export class ProgressMirror {
  private lastPercentage = 0;
  private shown: Shown = {};

  constructor(
    private readonly report: (value: { message?: string; increment?: number }) => void,
    private readonly status: (shown: Shown) => void,
  ) {}

  apply(value: ProgressValue): void {
    if (value.kind === 'end') return;
    const percentage = value.kind === 'report' || value.kind === 'begin' ? value.percentage : undefined;
    if (value.message !== undefined) this.shown = { ...this.shown, message: value.message };
    let increment: number | undefined;
    if (typeof percentage === 'number' && percentage >= this.lastPercentage) {
      increment = percentage - this.lastPercentage;
      this.lastPercentage = percentage;
      this.shown = { ...this.shown, percentage };
    }
    this.report({ message: this.shown.message, ...(increment ? { increment } : {}) });
    this.status(this.shown);
  }
}
