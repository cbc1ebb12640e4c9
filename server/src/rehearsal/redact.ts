// Credentials never leave a rehearsal in what people and tools read: the script's own output (a
// console.log of DATABASE_URL, a driver error quoting its connection string), the child's crash
// output and the report all pass through here before any consumer (CLI, language server, panel)
// sees them. redactSource (protocol.ts) handles one URL; this handles URLs anywhere in free text.

/** `scheme://user:password@`: the password, up to the `@` (a literal `@` in a password is %40). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@'"`<>]*):[^\s/?#@'"`<>]+@/gi;
/** `?password=…` and other secret-looking query parameters (libpq reads `password` from the query too). */
const SECRET_PARAMETER = /([?&][^=&\s#'"`<>]*(?:pass|secret|token|key)[^=&\s#'"`<>]*=)[^&\s#'"`<>]+/gi;
/** Cheap test first: most lines hold neither, and a script may print a line per row. */
const MIGHT_HOLD_SECRETS = /:\/\/|[?&][^=&\s]*(?:pass|secret|token|key)/i;

export function redactCredentials(text: string): string {
  if (!MIGHT_HOLD_SECRETS.test(text)) return text;
  return text.replace(URL_PASSWORD, '$1:***@').replace(SECRET_PARAMETER, '$1***');
}

/** A JSON value (an event, a report) with credentials removed from every string in it, keys included. */
export function redactJson<T>(value: T): T {
  const json = JSON.stringify(value);
  if (json === undefined || !MIGHT_HOLD_SECRETS.test(json)) return value;
  return JSON.parse(redactCredentials(json)) as T;
}
