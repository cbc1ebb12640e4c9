// Renders docs/images/sql-highlighting.sample.ts, coloured by the grammars in syntaxes/ with VS Code's Dark+
// theme (scripts/highlight-code.ts), to docs/images/sql-highlighting.png through headless Chromium.
// Usage: npx tsx scripts/render-sql-highlighting.ts [path/to/chromium]
// Chromium: Debian's (`apt-get install -y chromium`), nothing is downloaded. The README's real-editor
// screenshots come from the e2e harness; this one shows the TextMate colours alone (no semantic tokens).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { createHighlighter, type ColouredToken } from './highlight-code';

const root = join(__dirname, '..');
const samplePath = join(root, 'docs', 'images', 'sql-highlighting.sample.ts');
const outputPath = join(root, 'docs', 'images', 'sql-highlighting.png');
const chromiumPath = process.argv[2] ?? '/usr/bin/chromium';
// The sample's first line names the file it stands for; the image shows it as the editor tab.
const TAB_LINE = /^\/\/ (\S+): .*\n/;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tokenHtml(t: ColouredToken): string {
  const style = `color:${t.foreground}${t.italic ? ';font-style:italic' : ''}${t.bold ? ';font-weight:bold' : ''}`;
  return `<span style="${style}">${escapeHtml(t.text)}</span>`;
}

function pageHtml(tab: string, lines: ColouredToken[][], background: string, foreground: string): string {
  const rows = lines
    .map((tokens, i) => `<div class="line"><span class="gutter">${i + 1}</span>${tokens.map(tokenHtml).join('')}</div>`)
    .join('');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { margin: 0; background: #fff; }
    #editor { display: inline-block; background: ${background}; color: ${foreground}; font: 14px/20px 'DejaVu Sans Mono', monospace; }
    .tabs { background: #252526; height: 35px; }
    .tab { display: inline-block; height: 35px; line-height: 35px; padding: 0 16px; background: ${background};
           color: #fff; font: 13px/35px 'DejaVu Sans', sans-serif; border-top: 1px solid #007ACC; box-sizing: border-box; }
    .code { padding: 8px 24px 12px 0; white-space: pre; }
    .gutter { display: inline-block; width: 52px; padding-right: 20px; text-align: right; color: #858585; }
  </style></head><body><div id="editor"><div class="tabs"><span class="tab">${escapeHtml(tab)}</span></div>
  <div class="code">${rows}</div></div></body></html>`;
}

async function main(): Promise<void> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`No Chromium at ${chromiumPath}: install Debian's (apt-get install -y chromium) or pass its path as the first argument.`);
  }
  const sample = readFileSync(samplePath, 'utf8');
  const tab = TAB_LINE.exec(sample)?.[1] ?? 'sample.ts';
  const code = sample.replace(TAB_LINE, '').trimEnd();
  const highlighter = await createHighlighter();
  const lines = await highlighter.highlight(code, 'source.ts');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ deviceScaleFactor: 2 });
    await page.setContent(pageHtml(tab.split('/').pop() ?? tab, lines, highlighter.background, highlighter.foreground));
    await page.locator('#editor').screenshot({ path: outputPath });
  } finally {
    await browser.close();
  }
  console.log(`Wrote ${outputPath}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
