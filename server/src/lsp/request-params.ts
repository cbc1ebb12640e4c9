// Requests come from any client, so their params are checked before use: a malformed request is
// answered with InvalidParams saying which field is wrong, not with an internal error thrown from
// deep inside a handler (which also said nothing the client's author could act on).
import { ErrorCodes, ResponseError, type CodeActionParams, type DocumentDiagnosticParams } from 'vscode-languageserver';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const isPosition = (v: unknown): boolean => isObject(v) && Number.isInteger(v.line) && Number.isInteger(v.character);

export const isRange = (v: unknown): boolean => isObject(v) && isPosition(v.start) && isPosition(v.end);

export function invalidParams(method: string, problem: string): ResponseError<void> {
  return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${problem}.`);
}

function checkTextDocument(method: string, params: unknown): asserts params is { textDocument: { uri: string } } {
  if (!isObject(params)) throw invalidParams(method, 'params must be an object');
  if (!isObject(params.textDocument) || typeof params.textDocument.uri !== 'string') throw invalidParams(method, 'textDocument.uri must be a string');
}

export function checkCodeActionParams(params: unknown): CodeActionParams {
  const method = 'textDocument/codeAction';
  checkTextDocument(method, params);
  const { range, context } = params as { range?: unknown; context?: unknown };
  if (!isRange(range)) throw invalidParams(method, 'range must be a Range ({ start, end } positions of integer line and character)');
  if (!isObject(context) || !Array.isArray(context.diagnostics)) throw invalidParams(method, 'context.diagnostics must be an array');
  if (context.only !== undefined && !(Array.isArray(context.only) && context.only.every((k) => typeof k === 'string'))) {
    throw invalidParams(method, 'context.only must be an array of code action kinds');
  }
  return params as CodeActionParams;
}

export function checkDocumentDiagnosticParams(params: unknown): DocumentDiagnosticParams {
  checkTextDocument('textDocument/diagnostic', params);
  return params as DocumentDiagnosticParams;
}
