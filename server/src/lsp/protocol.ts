// The one typed definition of Evolve's LSP extensions and settings, imported by the VS Code client
// (client/src) and the language server alike, so both sides agree on names and shapes.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';

/** The server's id: the client's `evolve.trace.server` setting follows from it. */
export const LANGUAGE_SERVER_ID = 'evolve';
/** Diagnostics' `source`. */
export const DIAGNOSTIC_SOURCE = 'evolve';
export const SETTINGS_SECTION = 'evolve';

/** Editor-only settings (rules and file patterns live in evolve.config.json, shared with the CLI). */
export interface EvolveSettings {
  /** Analyse every evolve script in the workspace on start, not only open ones. */
  scanWorkspace: boolean;
}
export const DEFAULT_SETTINGS: EvolveSettings = { scanWorkspace: true };

/** Reads settings sent by any client, keeping defaults for anything missing or malformed. */
export function readSettings(value: unknown): EvolveSettings {
  const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return { scanWorkspace: typeof raw.scanWorkspace === 'boolean' ? raw.scanWorkspace : DEFAULT_SETTINGS.scanWorkspace };
}

export type ServerState = 'starting' | 'analysing' | 'ready' | 'error';
/** Sent by the server whenever analysis starts or ends, for the client's status bar. */
export interface StatusParams {
  state: ServerState;
  /** Findings across every analysed file (open documents and the workspace scan). */
  findings: number;
  /** Files with findings. */
  files: number;
  /** What went wrong, for state `error` (e.g. an invalid evolve.config.json). */
  message?: string;
}
export const StatusNotification = new NotificationType<StatusParams>('evolve/status');

/** Re-scans the workspace now (the client's "Lint Workspace" command). */
export interface LintWorkspaceResult {
  files: number;
  findings: number;
}
export const LintWorkspaceRequest = new RequestType0<LintWorkspaceResult, void>('evolve/lintWorkspace');

/** Server-side command behind every "Show documentation" code action: opens the rule page via window/showDocument. */
export const SHOW_DOCUMENTATION_COMMAND = 'evolve.showDocumentation';
/** Code action kind of "Fix all evolve problems" (usable in editor.codeActionsOnSave). */
export const FIX_ALL_KIND = 'source.fixAll.evolve';

/** Server-side command of the "Add evolve-runtime to this project" code action; argument: AddRuntimeArgs. */
export const ADD_RUNTIME_COMMAND = 'evolve.addRuntime';
export interface AddRuntimeArgs {
  /** The script whose batching rewrite needs evolve-runtime. */
  uri: string;
}

/**
 * Asked by the server before vendoring evolve-runtime: the folder to copy it into (absolute path),
 * or null when the user cancelled. Clients without a handler get `defaultFolder`.
 */
export interface PickVendorFolderParams {
  defaultFolder: string;
}
export const PickVendorFolderRequest = new RequestType<PickVendorFolderParams, string | null, void>('evolve/pickVendorFolder');

/** `initializationOptions.workspaceTrusted`: false in VS Code's Restricted Mode (nothing may run then). */
export interface EvolveInitializationOptions {
  workspaceTrusted?: boolean;
  settings?: unknown;
}

/** Client commands, all in the "Evolve" category. */
export const ClientCommands = {
  restartServer: 'evolve.restartServer',
  showOutput: 'evolve.showOutput',
  lintWorkspace: 'evolve.lintWorkspace',
  newScript: 'evolve.newScript',
} as const;
