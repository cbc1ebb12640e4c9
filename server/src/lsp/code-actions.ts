// Code actions as workspace edits: the core's rule-specific fixes and suggestions, the generic
// "disable for this line / file" edits, "Show documentation", and "Fix all evolve problems".
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { CodeFix } from '../core/types';
import type { EvolveDiagnosticData } from './diagnostics';
import { disableForFileEdit, disableForLineEdit } from './disable-comments';
import { FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND } from './protocol';
import { overlaps, toWorkspaceEdit, type EditContext } from './workspace-edit';

/** A diagnostic of the current document version with its (validated) data. */
export interface ActionableDiagnostic {
  diagnostic: Diagnostic;
  data: EvolveDiagnosticData;
}

/** Whether an action of `kind` was asked for by the request's `context.only`. */
export function wantsKind(kind: string, only: readonly string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

function fixAction(fix: CodeFix, diagnostic: Diagnostic, ctx: EditContext, preferred: boolean): CodeAction | undefined {
  const edit = toWorkspaceEdit(fix.edits, ctx);
  if (!edit) return undefined;
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], isPreferred: preferred || undefined, edit };
}

/** Quick fixes for the diagnostics under the cursor (the lightbulb menu). */
export function quickFixes(items: readonly ActionableDiagnostic[], ctx: EditContext): CodeAction[] {
  const actions: CodeAction[] = [];
  const generic: CodeAction[] = [];
  const seen = new Set<string>();
  for (const { diagnostic, data } of items) {
    let preferredGiven = false;
    for (const fix of data.fixes) {
      const action = fixAction(fix, diagnostic, ctx, fix.preservesBehaviour && !preferredGiven);
      if (!action) continue;
      preferredGiven ||= !!action.isPreferred;
      actions.push(action);
    }
    for (const suggestion of data.suggestions) {
      const action = fixAction(suggestion, diagnostic, ctx, false);
      if (action) actions.push(action);
    }
    // One of each generic action per rule and line, however many findings share them.
    const line = diagnostic.range.start.line;
    const rule = data.ruleId;
    if (!seen.has(`line:${rule}:${line}`)) {
      seen.add(`line:${rule}:${line}`);
      const edit = disableForLineEdit(ctx.document.text, line, rule);
      const workspaceEdit = edit && toWorkspaceEdit([edit], ctx);
      if (workspaceEdit) {
        generic.push({ title: `Disable evolve rule ${rule} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit });
      }
    }
    if (!seen.has(`file:${rule}`)) {
      seen.add(`file:${rule}`);
      const edit = disableForFileEdit(ctx.document.text, rule);
      const workspaceEdit = edit && toWorkspaceEdit([edit], ctx);
      if (workspaceEdit) {
        generic.push({ title: `Disable evolve rule ${rule} for this file`, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], edit: workspaceEdit });
      }
      const href = diagnostic.codeDescription?.href;
      if (href) {
        const title = `Show documentation for evolve rule ${rule}`;
        generic.push({ title, kind: CodeActionKind.QuickFix, diagnostics: [diagnostic], command: { title, command: SHOW_DOCUMENTATION_COMMAND, arguments: [href] } });
      }
    }
  }
  return [...actions, ...generic];
}

/**
 * "Fix all evolve problems": every behaviour-preserving fix of the document, dropping any that
 * overlaps one already taken. Suggestions (behaviour-changing) are never part of it.
 */
export function fixAllAction(items: readonly ActionableDiagnostic[], ctx: EditContext): CodeAction | undefined {
  const taken: CodeFix[] = [];
  for (const { data } of items) {
    const fix = data.fixes.find((f) => f.preservesBehaviour);
    if (fix && !taken.some((t) => overlaps(t.edits, fix.edits))) taken.push(fix);
  }
  if (taken.length === 0) return undefined;
  const edit = toWorkspaceEdit(taken.flatMap((f) => f.edits), ctx);
  return edit && { title: 'Fix all evolve problems', kind: FIX_ALL_KIND, diagnostics: items.map((i) => i.diagnostic), edit };
}
