// The run over time, as inline SVG drawn here (no chart library: the CSP allows no remote code and
// the page must stay small). One time axis, the run's clock, shared by three lanes:
//   throughput (rows written per second), the transactions (each a bar from its start to its end,
//   coloured by duration), and, with --site-load, the simulated site's p99 latency.
// Colours come from CSS classes (panel.css) that use VS Code's theme variables.
import { formatCount, formatMs } from '../format';
import { siteSampleAtMs, type RunView } from '../state';
import { s } from './dom';

const WIDTH = 720;
const LEFT = 64;
const RIGHT = 12;
const THROUGHPUT_HEIGHT = 120;
const TRANSACTIONS_HEIGHT = 28;
const SITE_HEIGHT = 70;
const GAP = 14;
const AXIS_HEIGHT = 22;

/** Duration classes of the transaction bars (and the legend): what a site would feel. */
export function transactionClass(ms: number, maxTransactionMs: number | null): string {
  if (maxTransactionMs !== null && ms > maxTransactionMs) return 'tx-over';
  if (ms >= 1000) return 'tx-long';
  if (ms >= 100) return 'tx-medium';
  return 'tx-short';
}

function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return unit * power;
}

function shortRate(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(n >= 10_000_000 ? 0 : 1)}M`;
  if (n >= 1000) return `${(n / 1000).toFixed(n >= 10_000 ? 0 : 1)}k`;
  return String(Math.round(n));
}

/** The chart for the view, or null while there is nothing to draw yet. */
export function renderChart(view: RunView, maxTransactionMs: number | null): SVGSVGElement | null {
  const site = view.site.map((sample) => ({ at: siteSampleAtMs(view, sample), sample }));
  if (view.throughput.length === 0 && view.transactions.length === 0 && site.length === 0) return null;

  const ends = [
    ...view.throughput.map((p) => p.atMs),
    ...view.transactions.map((t) => t.endAtMs),
    ...site.map((x) => x.at),
  ];
  const t0 = Math.min(0, ...site.map((x) => x.at - 1));
  const t1 = Math.max(t0 + 1, ...ends);
  const plotWidth = WIDTH - LEFT - RIGHT;
  const x = (t: number) => LEFT + ((t - t0) / (t1 - t0)) * plotWidth;

  const hasSite = site.length > 0;
  const height = THROUGHPUT_HEIGHT + GAP + TRANSACTIONS_HEIGHT + (hasSite ? GAP + SITE_HEIGHT : 0) + AXIS_HEIGHT + 8;
  const svg = s('svg', {
    viewBox: `0 0 ${WIDTH} ${height}`,
    class: 'chart-svg',
    role: 'img',
    'aria-labelledby': 'chart-title',
    preserveAspectRatio: 'xMinYMin meet',
  });
  const maxRate = Math.max(1, ...view.throughput.map((p) => p.writtenPerSecond));
  svg.append(
    s('title', { id: 'chart-title' }, `Rows written per second over ${formatMs(t1 - t0)}, peak ${formatCount(maxRate)}; ${formatCount(view.counters.transactions)} transactions, longest ${formatMs(view.counters.longestTransactionMs)}` + (hasSite ? `; site p99 up to ${formatMs(Math.max(...site.map((x) => x.sample.p99Ms)))}` : '')),
  );

  // Before the script's first statement: the child starting, the snapshot copy, the site's baseline.
  let top = 4;
  const scriptStart = view.clockOffsetMs;
  if (scriptStart !== null && scriptStart > 0 && view.attempts <= 1) {
    const lanesHeight = THROUGHPUT_HEIGHT + GAP + TRANSACTIONS_HEIGHT + (hasSite ? GAP + SITE_HEIGHT : 0);
    svg.append(
      s('rect', { x: x(0).toFixed(1), y: top, width: (x(scriptStart) - x(0)).toFixed(1), height: lanesHeight, class: 'startup' }),
      s('text', { x: (x(0) + 4).toFixed(1), y: top + 12, class: 'startup-label' }, 'before the script'),
    );
  }
  svg.append(...lane(top, THROUGHPUT_HEIGHT, 'rows/s', shortRate(maxRate)));
  if (view.throughput.length > 0) {
    const y = (rate: number) => top + THROUGHPUT_HEIGHT - (rate / maxRate) * THROUGHPUT_HEIGHT;
    let previous = Math.max(t0, view.throughput[0].atMs - 1);
    let d = `M${x(previous).toFixed(1)},${y(0).toFixed(1)}`;
    for (const point of view.throughput) {
      d += ` L${x(previous).toFixed(1)},${y(point.writtenPerSecond).toFixed(1)} L${x(point.atMs).toFixed(1)},${y(point.writtenPerSecond).toFixed(1)}`;
      previous = point.atMs;
    }
    const area = `${d} L${x(previous).toFixed(1)},${y(0).toFixed(1)} Z`;
    svg.append(s('path', { d: area, class: 'throughput-area' }), s('path', { d, class: 'throughput-line' }));
  }

  // Transactions lane: a bar per transaction, at least a pixel wide so a short one still shows.
  top += THROUGHPUT_HEIGHT + GAP;
  svg.append(...lane(top, TRANSACTIONS_HEIGHT, 'transactions', null));
  for (const t of view.transactions) {
    const start = x(t.endAtMs - t.ms);
    const width = Math.max(1, x(t.endAtMs) - start);
    const bar = s('rect', {
      x: start.toFixed(1),
      y: top + 2,
      width: width.toFixed(1),
      height: TRANSACTIONS_HEIGHT - 4,
      class: `tx ${transactionClass(t.ms, maxTransactionMs)}${t.outcome === 'rollback' ? ' tx-rollback' : ''}`,
    });
    bar.append(s('title', {}, `Transaction ${t.index}: ${formatMs(t.ms)}, ${t.outcome}`));
    svg.append(bar);
  }

  // Site lane: p99 latency per interval, with failures marked.
  if (hasSite) {
    top += TRANSACTIONS_HEIGHT + GAP;
    const maxP99 = Math.max(1, ...site.map((x) => x.sample.p99Ms));
    svg.append(...lane(top, SITE_HEIGHT, 'site p99', formatMs(maxP99)));
    const y = (ms: number) => top + SITE_HEIGHT - (ms / maxP99) * SITE_HEIGHT;
    // A sample covers the interval since the one before (a request that waited shows when it ends).
    const interval = site.length > 1 ? site[1].at - site[0].at : 0;
    let d = '';
    site.forEach(({ at, sample }, i) => {
      const from = i === 0 ? Math.max(t0, at - interval) : site[i - 1].at;
      d += `${i === 0 ? 'M' : ' L'}${x(from).toFixed(1)},${y(sample.p99Ms).toFixed(1)} L${x(at).toFixed(1)},${y(sample.p99Ms).toFixed(1)}`;
    });
    svg.append(s('path', { d, class: 'site-line' }));
    for (const { at, sample } of site) {
      if (sample.failures === 0) continue;
      const mark = s('circle', { cx: x(at).toFixed(1), cy: (top + 4).toFixed(1), r: 3, class: 'site-failure' });
      mark.append(s('title', {}, `${sample.failures} failed site request(s) of ${sample.requests}`));
      svg.append(mark);
    }
  }

  top += (hasSite ? SITE_HEIGHT : TRANSACTIONS_HEIGHT) + 4;
  svg.append(...timeAxis(top, t0, t1, x));
  return svg;
}

function lane(top: number, height: number, label: string, maxLabel: string | null): SVGElement[] {
  const parts: SVGElement[] = [
    s('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: top + height, y2: top + height, class: 'axis' }),
    s('text', { x: LEFT - 6, y: top + height / 2 + 4, class: 'lane-label', 'text-anchor': 'end' }, label),
  ];
  if (maxLabel !== null) {
    parts.push(
      s('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: top, y2: top, class: 'grid' }),
      s('text', { x: LEFT - 6, y: top + 9, class: 'tick-label', 'text-anchor': 'end' }, maxLabel),
    );
  }
  return parts;
}

function timeAxis(top: number, t0: number, t1: number, x: (t: number) => number): SVGElement[] {
  const step = niceStep(t1 - t0, 6);
  const parts: SVGElement[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1 + 1e-9; t += step) {
    parts.push(
      s('line', { x1: x(t).toFixed(1), x2: x(t).toFixed(1), y1: top - 4, y2: top, class: 'axis' }),
      s('text', { x: x(t).toFixed(1), y: top + 12, class: 'tick-label', 'text-anchor': 'middle' }, axisLabel(t, step)),
    );
  }
  return parts;
}

/** A tick's time, in the step's unit and with no more decimals than the step needs ("1.5 s", "2 min"). */
function axisLabel(t: number, step: number): string {
  if (Math.abs(t) < 1e-9) return '0';
  const [unit, size] = step >= 60_000 ? ['min', 60_000] : step >= 1000 ? ['s', 1000] : ['ms', 1];
  const decimals = Math.max(0, -Math.floor(Math.log10(step / size) + 1e-9));
  return `${(t / size).toFixed(decimals)} ${unit}`;
}
