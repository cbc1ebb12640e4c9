// The one typed definition of Evolve's LSP extensions and settings, imported by the VS Code client
// (client/src) and the language server alike, so both sides agree on names and shapes.
import { NotificationType, RequestType, RequestType0 } from 'vscode-languageserver-protocol';
import type { ChildEvent, RehearsalReport } from '../rehearsal/protocol';

/** The server's id: the client's `evolve.trace.server` setting follows from it. */
export const LANGUAGE_SERVER_ID = 'evolve';
/** Diagnostics' `source`. */
export const DIAGNOSTIC_SOURCE = 'evolve';
export const SETTINGS_SECTION = 'evolve';

/** Editor-only settings (rules and file patterns live in evolve.config.json, shared with the CLI). */
export interface EvolveSettings {
  /** Analyse every evolve script in the workspace on start, not only open ones. */
  scanWorkspace: boolean;
  /** The `node` that runs rehearsed scripts; empty: the first `node` on PATH. */
  nodePath: string;
}
export const DEFAULT_SETTINGS: EvolveSettings = { scanWorkspace: true, nodePath: '' };

/** Reads settings sent by any client, keeping defaults for anything missing or malformed. */
export function readSettings(value: unknown): EvolveSettings {
  const raw = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return {
    scanWorkspace: typeof raw.scanWorkspace === 'boolean' ? raw.scanWorkspace : DEFAULT_SETTINGS.scanWorkspace,
    nodePath: typeof raw.nodePath === 'string' ? raw.nodePath.trim() : DEFAULT_SETTINGS.nodePath,
  };
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
  rehearse: 'evolve.rehearseScript',
  showRehearsals: 'evolve.showRehearsals',
} as const;

/**
 * `workspace/executeCommand` "evolve.rehearse": rehearses a script against a snapshot in a child
 * process (never in the server). Any LSP client can start it; pass a `workDoneToken` to follow it with
 * work-done progress (cancellable: cancelling stops the script after its current batch). The request
 * resolves with the final RehearsalReport (status ok, failed, cancelled or timeout); a bad argument or
 * config is a ResponseError with a clear message. Refused in untrusted workspaces.
 */
export const REHEARSE_COMMAND = 'evolve.rehearse';
export interface RehearseArgs {
  /** The script (file URI). */
  uri: string;
  /** Chosen by the client so it can match `evolve/rehearsalEvent` notifications to its panel; else the server makes one. */
  runId?: string;
  /** A snapshot name from evolve.config.json, a path or a URL; default: the config's default snapshot. */
  snapshot?: string;
  engine?: 'sqlite' | 'pglite' | 'postgres';
  keep?: boolean;
  timeoutMs?: number;
  maxTransactionMs?: number;
  /** --resume-check K: kill and resume K times, compare end states. */
  resumeCheck?: number;
  seed?: number;
  /** --site-load RATE (requests per second). */
  siteLoad?: number;
  maxSiteP99Ms?: number;
}

/** `workspace/executeCommand` "evolve.cancelRehearsal" [{ runId }]: stops that run after its current batch. */
export const CANCEL_REHEARSAL_COMMAND = 'evolve.cancelRehearsal';
export interface CancelRehearsalArgs {
  runId: string;
}

/** Every event of a running rehearsal, as the engine relays it from its child (for the panel). */
export interface RehearsalEventParams {
  runId: string;
  /** The script's URI. */
  uri: string;
  /** Milliseconds since the run started (the server's clock). */
  atMs: number;
  event: ChildEvent;
}
export const RehearsalEventNotification = new NotificationType<RehearsalEventParams>('evolve/rehearsalEvent');

/** Sent once when a run ends (after cleanup), with the same report the executeCommand resolves with. */
export interface RehearsalFinishedParams {
  runId: string;
  uri: string;
  report: RehearsalReport;
}
export const RehearsalFinishedNotification = new NotificationType<RehearsalFinishedParams>('evolve/rehearsalFinished');

/** Snapshots the server knows for a script: the config's named ones (for the client's picker). */
export interface ListSnapshotsParams {
  uri: string;
}
export interface SnapshotChoice {
  name: string;
  engine: 'sqlite' | 'pglite' | 'postgres';
  /** Path or URL, credentials removed. */
  label: string;
  isDefault: boolean;
  /** Why this snapshot cannot be used as configured (e.g. its file is missing); absent when it can. */
  problem?: string;
}
export const ListSnapshotsRequest = new RequestType<ListSnapshotsParams, SnapshotChoice[], void>('evolve/listSnapshots');
