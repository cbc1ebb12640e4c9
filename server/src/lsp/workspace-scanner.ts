// The workspace scan: analyses every evolve script not open in the editor and pushes its findings,
// with window/workDoneProgress (cancellable from the client's progress UI). A new scan supersedes a
// running one.
import { existsSync } from 'node:fs';
import { CancellationTokenSource } from 'vscode-languageserver';
import type { LintWorkspaceResult } from './protocol';
import { pathToUri, type EvolveService } from './service';
import { findEvolveScripts } from './workspace-scan';

export class WorkspaceScanner {
  private running: CancellationTokenSource | undefined;
  /** Files the last scan reported, so a rescan can clear those that stopped being evolve scripts. */
  private scanned = new Set<string>();

  constructor(private readonly service: EvolveService) {}

  cancel(): void {
    this.running?.cancel();
    this.running = undefined;
  }

  /** Forgets (and clears) everything scanned, e.g. when the user turns scanning off. */
  clear(): void {
    this.cancel();
    for (const path of this.scanned) if (!this.isOpen(path)) this.service.unpublish(path);
    this.scanned.clear();
    this.service.sendStatus();
  }

  private isOpen(path: string): boolean {
    return this.service.documents.get(pathToUri(path)) !== undefined;
  }

  async run(): Promise<LintWorkspaceResult> {
    this.cancel();
    const source = new CancellationTokenSource();
    this.running = source;
    const { service } = this;
    const progress = await service.connection.window.createWorkDoneProgress();
    const cancelled = () => source.token.isCancellationRequested || progress.token.isCancellationRequested;
    service.sendStatus('analysing');
    progress.begin('Evolve', 0, 'Finding evolve scripts…', true);
    try {
      const files = await findEvolveScripts(service.configs.getRoots(), {
        isEvolveScript: (f) => service.configs.isEvolveScript(f),
        isCancelled: cancelled,
      });
      service.publishConfigProblems();
      let findings = 0;
      let analysedCount = 0;
      const deleted = new Set<string>();
      for (const [i, path] of files.entries()) {
        if (cancelled()) break;
        if (this.isOpen(path)) {
          findings += service.analysed.get(path)?.findings ?? 0;
          analysedCount++;
        } else if (!existsSync(path)) {
          // Deleted since the folders were listed: its didChangeWatchedFiles may already have been
          // handled, so analysing it now would publish a "Cannot read" error nobody clears.
          service.unpublish(path);
          deleted.add(path);
        } else {
          const entry = service.analyse(path, pathToUri(path), null);
          service.publish(path, entry);
          findings += entry.findings;
          analysedCount++;
        }
        progress.report(Math.round(((i + 1) / files.length) * 100), `${i + 1}/${files.length} scripts`);
        // Keep the server responsive to edits and requests during a long scan.
        await new Promise((resolve) => setImmediate(resolve));
      }
      if (!cancelled()) {
        const now = new Set(files.filter((f) => !deleted.has(f)));
        for (const path of this.scanned) if (!now.has(path) && !this.isOpen(path)) service.unpublish(path);
        this.scanned = now;
      } else {
        for (const path of files) if (!deleted.has(path)) this.scanned.add(path);
      }
      return { files: analysedCount, findings };
    } finally {
      progress.done();
      if (this.running === source) this.running = undefined;
      service.sendStatus();
    }
  }
}
