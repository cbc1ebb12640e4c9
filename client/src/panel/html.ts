// The rehearsal panel's page: a fixed skeleton the webview script (webview/main.ts) fills in.
// No vscode import, so tests build the same page outside VS Code and load it in Chromium.
// Strict CSP: nothing remote, no inline script or style; the one script runs by its nonce.

export interface PanelHtmlOptions {
  /** webview.cspSource: the origin local resources are served from. */
  cspSource: string;
  /** Base64 from crypto.randomBytes(16), new for every page. */
  nonce: string;
  /** asWebviewUri of dist/panel/webview.js and dist/panel/panel.css. */
  scriptUri: string;
  styleUri: string;
  /** Shown until the script has drawn the run. */
  title: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function buildPanelHtml(options: PanelHtmlOptions): string {
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(options.cspSource, options.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(options.styleUri)}">
<title>${escapeHtml(options.title)}</title>
</head>
<body>
<main class="panel">
  <header class="run-header">
    <h1 id="title">${escapeHtml(options.title)}</h1>
    <p class="run-meta"><span id="script-label"></span> <span class="separator" aria-hidden="true">·</span> <span id="snapshot-label"></span></p>
    <p id="status" class="run-status" role="status" aria-live="polite"></p>
    <p id="run-note" class="note"></p>
  </header>

  <section class="progress-section" aria-labelledby="progress-heading">
    <h2 id="progress-heading" class="visually-hidden">Progress</h2>
    <div id="progress" class="progress" role="progressbar" aria-labelledby="progress-heading" aria-valuemin="0" aria-valuemax="100"><div id="progress-fill" class="progress-fill"></div></div>
    <p id="progress-text" class="progress-text"></p>
  </section>

  <div id="run-actions" class="actions">
    <button id="cancel" type="button" class="secondary">Cancel</button>
  </div>

  <section class="chart-section" aria-labelledby="chart-heading">
    <h2 id="chart-heading">Throughput and transactions</h2>
    <div id="chart" class="chart"><p class="placeholder">Waiting for the script's first statements…</p></div>
    <ul class="legend" aria-label="Transaction colours">
      <li><span class="swatch tx-short" aria-hidden="true"></span>under 100 ms</li>
      <li><span class="swatch tx-medium" aria-hidden="true"></span>100 ms – 1 s</li>
      <li><span class="swatch tx-long" aria-hidden="true"></span>1 s or more</li>
      <li><span class="swatch tx-over" aria-hidden="true"></span>over the allowed maximum</li>
      <li><span class="swatch tx-rollback" aria-hidden="true"></span>rolled back</li>
    </ul>
    <p id="chart-note" class="note"></p>
  </section>

  <section class="counters-section" aria-labelledby="counters-heading">
    <h2 id="counters-heading">Counters</h2>
    <dl id="counters" class="counters"></dl>
  </section>

  <section class="log-section" aria-labelledby="log-heading">
    <h2 id="log-heading">Log</h2>
    <div id="log" class="log" role="log" aria-labelledby="log-heading" tabindex="0"><div class="placeholder">Nothing logged yet.</div></div>
    <p id="log-note" class="note"></p>
  </section>

  <section id="report" class="report" aria-label="Report" hidden></section>

  <div id="report-actions" class="actions" hidden>
    <button id="open-report-json" type="button">Open report JSON</button>
    <button id="rehearse-again" type="button" class="secondary">Rehearse again</button>
    <button id="compare" type="button" class="secondary" aria-controls="comparison">Compare with previous run</button>
  </div>

  <section id="comparison" class="comparison" aria-labelledby="comparison-heading" hidden>
    <h2 id="comparison-heading">Compared with the previous run</h2>
    <div id="comparison-body"></div>
  </section>
</main>
<script nonce="${attr(options.nonce)}" src="${attr(options.scriptUri)}"></script>
</body>
</html>
`;
}
