// The language-server side of "Add evolve-runtime to this project": offered beside the batching
// rewrite when the script's folder does not resolve evolve-runtime; its command installs the package
// with the project's package manager (trusted workspaces only, when the registry has it) or vendors
// the single-file build into a folder the user picks. Once vendored, the rewrite imports the copy.
import { dirname, join } from 'node:path';
import { CodeActionKind, MessageType, ResponseError, ShowMessageNotification, type CodeAction, type Connection } from 'vscode-languageserver';
import {
  DEFAULT_VENDOR_FOLDER,
  findProject,
  installArgs,
  isVendored,
  reachabilityArgs,
  resolvesRuntime,
  runManager,
  vendoredSpecifier,
  vendorRuntime,
  withRuntimeImport,
  type Project,
} from '../authoring/runtime-setup';
import type { ActionableDiagnostic } from './code-actions';
import { ADD_RUNTIME_COMMAND, PickVendorFolderRequest, type AddRuntimeArgs } from './protocol';

export const ADD_RUNTIME_TITLE = 'Add evolve-runtime to this project';
/** Title prefix of core/fixes/batching/rewrite.ts's suggestion. */
const REWRITE_PREFIX = 'Process in keyset batches';
const REACHABILITY_TIMEOUT_MS = 20_000;
const INSTALL_TIMEOUT_MS = 5 * 60_000;

export interface RuntimeSetupHost {
  connection: Connection;
  /** The workspace folder of a file. */
  rootOf(file: string): string;
  workspaceTrusted(): boolean;
  /** Called once the runtime is in place: diagnostics and actions are recomputed. */
  changed(): void;
}

const needsRuntime = (item: ActionableDiagnostic) => item.data.suggestions.some((s) => s.title.startsWith(REWRITE_PREFIX));

export class RuntimeSetup {
  /** Vendored folders chosen in this session, by workspace folder. */
  private readonly vendored = new Map<string, string>();

  /** `distDir`: where the bundled server runs, next to dist/evolve-runtime.{js,d.ts} (scripts/build.mjs). */
  constructor(private readonly host: RuntimeSetupHost, private readonly distDir = __dirname) {}

  private vendorFolderFor(root: string): string | undefined {
    const chosen = this.vendored.get(root);
    if (chosen && isVendored(chosen)) return chosen;
    const fallback = join(root, DEFAULT_VENDOR_FOLDER);
    return isVendored(fallback) ? fallback : undefined;
  }

  /**
   * The diagnostics with their batching rewrite importing a vendored copy where there is one, and
   * "Add evolve-runtime to this project" when the script cannot import evolve-runtime at all.
   */
  adjust(items: ActionableDiagnostic[], path: string, uri: string): { items: ActionableDiagnostic[]; actions: CodeAction[] } {
    const relevant = items.filter(needsRuntime);
    if (relevant.length === 0 || resolvesRuntime(dirname(path))) return { items, actions: [] };
    const vendor = this.vendorFolderFor(this.host.rootOf(path));
    if (vendor) {
      const specifier = vendoredSpecifier(dirname(path), vendor);
      const patched = items.map((i) =>
        needsRuntime(i) ? { ...i, data: { ...i.data, suggestions: i.data.suggestions.map((s) => (s.title.startsWith(REWRITE_PREFIX) ? withRuntimeImport(s, specifier) : s)) } } : i,
      );
      return { items: patched, actions: [] };
    }
    const args: AddRuntimeArgs = { uri };
    const command = { title: ADD_RUNTIME_TITLE, command: ADD_RUNTIME_COMMAND, arguments: [args] };
    return { items, actions: [{ title: ADD_RUNTIME_TITLE, kind: CodeActionKind.QuickFix, diagnostics: relevant.map((i) => i.diagnostic), command }] };
  }

  /** The command: install where allowed and possible, else vendor. Reports the outcome to the user. */
  async add(path: string): Promise<void> {
    const scriptDir = dirname(path);
    if (resolvesRuntime(scriptDir)) {
      this.tell(MessageType.Info, `evolve-runtime already resolves from ${scriptDir}.`);
      return;
    }
    const root = this.host.rootOf(path);
    const project = findProject(scriptDir, root);
    const why = await this.tryInstall(project, scriptDir);
    if (why === undefined) {
      this.host.changed();
      return;
    }
    const target = await this.pickFolder(join(root, DEFAULT_VENDOR_FOLDER));
    if (!target) return;
    try {
      const files = vendorRuntime(this.distDir, target);
      this.vendored.set(root, target);
      this.tell(MessageType.Info, `${why} Vendored evolve-runtime into ${target} (${files.length} files); the batching rewrite now imports it from there.`);
      this.host.changed();
    } catch (err) {
      this.tell(MessageType.Error, `Vendoring evolve-runtime into ${target} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Installs evolve-runtime; undefined when installed, else why not (said before vendoring). */
  private async tryInstall(project: Project | undefined, scriptDir: string): Promise<string | undefined> {
    if (!project) return `No package.json above ${scriptDir} in the workspace, so nothing to install into.`;
    if (!this.host.workspaceTrusted()) {
      return 'Restricted Mode: installing a package runs the package manager and install scripts, so Evolve does not install in an untrusted workspace.';
    }
    const { manager, dir } = project;
    const reachable = await runManager(manager, reachabilityArgs(manager), dir, REACHABILITY_TIMEOUT_MS);
    if (!reachable.ok) return `evolve-runtime is not reachable from ${dir} with ${manager} (${lastLine(reachable.output)}).`;
    const installed = await runManager(manager, installArgs(manager), dir, INSTALL_TIMEOUT_MS);
    if (installed.ok && resolvesRuntime(scriptDir)) {
      this.tell(MessageType.Info, `Installed evolve-runtime with \`${manager} ${installArgs(manager).join(' ')}\` in ${dir}.`);
      return undefined;
    }
    return `\`${manager} ${installArgs(manager).join(' ')}\` in ${dir} failed (${lastLine(installed.output)}).`;
  }

  /** A notification, not window/showMessageRequest: nothing waits for the user to dismiss it. */
  private tell(type: MessageType, message: string): void {
    void this.host.connection.sendNotification(ShowMessageNotification.type, { type, message });
  }

  /** The client's folder picker (VS Code); other editors get the default folder. */
  private async pickFolder(defaultFolder: string): Promise<string | null> {
    try {
      return await this.host.connection.sendRequest(PickVendorFolderRequest, { defaultFolder });
    } catch (err) {
      if (err instanceof ResponseError) return defaultFolder; // no handler (MethodNotFound): not VS Code
      throw err;
    }
  }
}

function lastLine(output: string): string {
  return output.trim().split('\n').filter((l) => l.trim()).pop() ?? 'no output';
}
