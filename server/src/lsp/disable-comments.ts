// Edits behind the generic "Disable evolve rule X for this line / this file" code actions.
// They are plain offset edits (the core's TextEdit), so they go through the same conversion
// to a WorkspaceEdit as the core's own fixes.
import type { RuleId, TextEdit } from '../core/types';

/** What the user replaces with the reason the finding is acceptable. */
export const REASON_PLACEHOLDER = 'reason';

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}

/** Offsets of the start of every line. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineText(text: string, starts: number[], line: number): string {
  const end = line + 1 < starts.length ? starts[line + 1] : text.length;
  return text.slice(starts[line], end).replace(/\r?\n$/, '');
}

function mentionsRule(directive: string, ruleId: RuleId): boolean {
  return directive.split(/[\s,]+/).includes(ruleId);
}

/**
 * `// evolve-disable-next-line <rule> -- reason` above `line`, indented like it.
 * Undefined when the line above already disables the rule (applying twice changes nothing).
 */
export function disableForLineEdit(text: string, line: number, ruleId: RuleId): TextEdit | undefined {
  const starts = lineStarts(text);
  if (line < 0 || line >= starts.length) return undefined;
  if (line > 0) {
    const above = /\/\/\s*evolve-disable-next-line\s+(.*?)(?:\s--\s.*)?$/.exec(lineText(text, starts, line - 1));
    if (above && mentionsRule(above[1], ruleId)) return undefined;
  }
  const indent = /^[ \t]*/.exec(lineText(text, starts, line))![0];
  const comment = `${indent}// evolve-disable-next-line ${ruleId} -- ${REASON_PLACEHOLDER}${eolOf(text)}`;
  return { start: starts[line], end: starts[line], newText: comment };
}

const FILE_DIRECTIVE = /\/\*\s*evolve-disable\s+([^*]*?)\s*\*\//g;

/**
 * `/* evolve-disable <rule> *\/` at the top of the file, after a shebang and a 'use strict' prologue.
 * Undefined when the file already disables the rule.
 */
export function disableForFileEdit(text: string, ruleId: RuleId): TextEdit | undefined {
  for (const match of text.matchAll(FILE_DIRECTIVE)) {
    if (mentionsRule(match[1].replace(/\s--\s.*$/, ''), ruleId)) return undefined;
  }
  const starts = lineStarts(text);
  let line = 0;
  if (text.startsWith('#!')) line++;
  while (line < starts.length && /^\s*(['"])use strict\1;?\s*$/.test(lineText(text, starts, line))) line++;
  const eol = eolOf(text);
  const comment = `/* evolve-disable ${ruleId} */${eol}`;
  if (line >= starts.length) {
    // The prologue is the whole file and has no final newline: start a new line after it.
    const needsBreak = text.length > 0 && !text.endsWith('\n');
    return { start: text.length, end: text.length, newText: (needsBreak ? eol : '') + comment };
  }
  return { start: starts[line], end: starts[line], newText: comment };
}
