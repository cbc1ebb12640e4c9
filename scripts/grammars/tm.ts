// The shape of a TextMate grammar rule, as far as the grammar sources here use it.
export interface Rule {
  [key: string]: unknown;
  comment?: string;
  name?: string;
  contentName?: string;
  match?: string;
  begin?: string;
  end?: string;
  include?: string;
  beginCaptures?: Record<string, Rule>;
  endCaptures?: Record<string, Rule>;
  patterns?: Rule[];
  repository?: Record<string, Rule>;
}

/** The grammars Evolve injects into: VS Code's TypeScript, JavaScript, TSX and JSX. */
export const HOSTS = ['source.ts', 'source.js', 'source.tsx', 'source.js.jsx'];
