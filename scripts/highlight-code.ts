// Colours code the way VS Code's TextMate layer does: vscode-textmate with the Oniguruma WASM build, the
// grammars of syntaxes/ injected as package.json contributes them, VS Code's own TS/JS/SQL grammars and its
// Dark+ theme (copies in test/grammar/base). Used for the README screenshot (render-sql-highlighting.ts)
// and by test/grammar-colours.test.ts. Semantic highlighting (the TS server's) is not part of this.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = join(__dirname, '..');
const baseDir = join(root, 'test', 'grammar', 'base');

export interface ColouredToken {
  text: string;
  /** '#RRGGBB' as the theme resolves it. */
  foreground: string;
  italic: boolean;
  bold: boolean;
}

export interface Highlighter {
  /** One array of tokens per line of `code`, tokenised as `scopeName` (e.g. 'source.ts'). */
  highlight(code: string, scopeName: string): Promise<ColouredToken[][]>;
  background: string;
  foreground: string;
}

interface ManifestGrammar {
  scopeName: string;
  path: string;
  injectTo?: string[];
}

function manifestGrammars(): ManifestGrammar[] {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).contributes.grammars;
}

function grammarFiles(manifest: ManifestGrammar[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of readdirSync(baseDir).filter((n) => n.endsWith('.tmLanguage.json'))) {
    const path = join(baseDir, name);
    files.set(JSON.parse(readFileSync(path, 'utf8')).scopeName, path);
  }
  for (const g of manifest) files.set(g.scopeName, join(root, g.path));
  return files;
}


function darkPlusTheme(): { theme: textmate.IRawTheme; background: string; foreground: string } {
  const raw = JSON.parse(readFileSync(join(baseDir, 'dark-plus.theme.json'), 'utf8'));
  const background: string = raw.colors['editor.background'];
  const foreground: string = raw.colors['editor.foreground'];
  return { theme: { name: raw.name, settings: [{ settings: { foreground, background } }, ...raw.tokenColors] }, background, foreground };
}

// Bit layout of vscode-textmate's encoded token metadata (its README, "tokenizeLine2"):
// bbbb bbbb ffff ffff fFFF FBTT LLLL LLLL: F = font style from bit 11, f = foreground colour id from bit 15.
const FONT_STYLE_OFFSET = 11;
const FOREGROUND_OFFSET = 15;
const ITALIC = 1;
const BOLD = 2;

/**
 * A vscode-textmate registry holding the base grammars and the contributed injections, like VS Code's
 * (`injections: false` leaves them out: the host grammars alone, as bench/grammar.bench.mjs compares).
 */
export async function createRegistry({ theme, injections = true }: { theme?: textmate.IRawTheme; injections?: boolean } = {}): Promise<textmate.Registry> {
  const wasm = readFileSync(join(require.resolve('vscode-oniguruma'), '..', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const manifest = manifestGrammars();
  const files = grammarFiles(manifest);
  return new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      const path = files.get(scopeName);
      return path ? textmate.parseRawGrammar(readFileSync(path, 'utf8'), path) : null;
    },
    // Injected into 'source.ts' means: into documents whose grammar is 'source.ts'.
    getInjections: (scopeName) => (injections ? manifest.filter((g) => g.injectTo?.includes(scopeName)).map((g) => g.scopeName) : []),
    theme,
  });
}

export async function createHighlighter(): Promise<Highlighter> {
  const { theme, background, foreground } = darkPlusTheme();
  const registry = await createRegistry({ theme });
  const colours = registry.getColorMap();

  async function highlight(code: string, scopeName: string): Promise<ColouredToken[][]> {
    const grammar = await registry.loadGrammar(scopeName);
    if (!grammar) throw new Error(`No grammar for ${scopeName}: expected a file in ${baseDir} or package.json contributes.grammars`);
    let state = textmate.INITIAL;
    return code.split('\n').map((line) => {
      const result = grammar.tokenizeLine2(line, state);
      state = result.ruleStack;
      const tokens: ColouredToken[] = [];
      for (let i = 0; i < result.tokens.length; i += 2) {
        const start = result.tokens[i];
        const end = i + 2 < result.tokens.length ? result.tokens[i + 2] : line.length;
        const metadata = result.tokens[i + 1];
        const fontStyle = (metadata >>> FONT_STYLE_OFFSET) & 0b1111;
        tokens.push({
          text: line.slice(start, end),
          foreground: colours[(metadata >>> FOREGROUND_OFFSET) & 0b1_1111_1111].toUpperCase(),
          italic: (fontStyle & ITALIC) !== 0,
          bold: (fontStyle & BOLD) !== 0,
        });
      }
      return tokens;
    });
  }

  return { highlight, background: background.toUpperCase(), foreground: foreground.toUpperCase() };
}
