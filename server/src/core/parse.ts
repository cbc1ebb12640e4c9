import { ts } from './ts';

export function scriptKindFor(path: string): ts.ScriptKind {
  const lower = path.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(c|m)?js$/.test(lower)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Parses a file with parent pointers (the analysis walks upwards a lot). */
export function parseSource(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKindFor(path));
}

/** The first syntax error TypeScript recovered from, if any. */
export function firstSyntaxError(sf: ts.SourceFile): ts.DiagnosticWithLocation | undefined {
  const diags = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics;
  return diags && diags.length > 0 ? diags[0] : undefined;
}
