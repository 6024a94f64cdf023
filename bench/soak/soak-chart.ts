/**
 * The soak's report in the docs: an SVG chart of every process's memory
 * over the run (hand-written polylines, no chart library) and a markdown
 * table between the `soak:start` and `soak:end` markers of
 * docs/operations.md.
 */
import type { AccountingReport } from './soak-accounting.js';
import type { LevelOff, MemoryPoint } from './soak-memory.js';

/** One line of the chart. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly MemoryPoint[];
}

/** A vertical mark on the chart (a fault). */
export interface ChartMark {
  readonly t: number;
  readonly label: string;
}

const W = 760;
const H = 360;
const PAD = { left: 56, right: 150, top: 24, bottom: 40 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#17becf'];
const START = '<!-- soak:start -->';
const END = '<!-- soak:end -->';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fixed = (v: number, digits = 1) => v.toFixed(digits);

/** A round step for about `count` ticks over `span`. */
export function tickStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  return step ?? power * 10;
}

/** The SVG chart: MiB over minutes, one polyline per series, a dashed line per mark. */
export function renderSvg(
  series: readonly ChartSeries[],
  marks: readonly ChartMark[],
  title: string,
): string {
  const all = series.flatMap((s) => s.points);
  const tMax = Math.max(60, ...all.map((p) => p.t));
  const vMax = Math.max(1, ...all.map((p) => p.mib)) * 1.1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (t: number) => PAD.left + (t / tMax) * plotW;
  const y = (v: number) => PAD.top + plotH - (v / vMax) * plotH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${PAD.left}" y="15" font-size="13">${esc(title)}</text>`,
  ];
  const vStep = tickStep(vMax, 6);
  for (let v = 0; v <= vMax; v += vStep) {
    out.push(
      `<line x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${fixed(y(v))}" y2="${fixed(y(v))}" stroke="#eee"/>`,
      `<text x="${PAD.left - 6}" y="${fixed(y(v) + 4)}" text-anchor="end">${v}</text>`,
    );
  }
  const tStep = tickStep(tMax / 60, 8) * 60;
  for (let t = 0; t <= tMax; t += tStep) {
    out.push(
      `<text x="${fixed(x(t))}" y="${H - PAD.bottom + 16}" text-anchor="middle">${t / 60}</text>`,
    );
  }
  out.push(
    `<text x="${PAD.left + plotW / 2}" y="${H - 6}" text-anchor="middle">minutes</text>`,
    `<text x="14" y="${PAD.top + plotH / 2}" transform="rotate(-90 14 ${PAD.top + plotH / 2})" text-anchor="middle">MiB</text>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  );
  marks.forEach((m, i) => {
    const mx = fixed(x(m.t));
    out.push(
      `<line x1="${mx}" x2="${mx}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#999" stroke-dasharray="4 3"/>`,
      `<text x="${mx}" y="${PAD.top + 10 + (i % 3) * 11}" fill="#666" transform="translate(2 0)">${esc(m.label)}</text>`,
    );
  });
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? '#000';
    const points = s.points.map((p) => `${fixed(x(p.t))},${fixed(y(p.mib))}`).join(' ');
    const ly = PAD.top + 14 + i * 16;
    out.push(
      `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${points}"/>`,
      `<line x1="${W - PAD.right + 10}" x2="${W - PAD.right + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${W - PAD.right + 36}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** The memory table: one row per process. */
export function memoryTable(rows: ReadonlyArray<[string, LevelOff]>): string {
  const lines = [
    '| process | samples | slope MiB/hour | noise MiB | rise over window MiB | allowed MiB | verdict |',
    '| --- | --: | --: | --: | --: | --: | --- |',
  ];
  for (const [name, l] of rows) {
    lines.push(
      `| ${name} | ${l.samples} | ${fixed(l.slopeMiBPerHour)} | ${fixed(l.noiseMiB, 2)} | ${fixed(l.riseMiB, 2)} | ${fixed(l.allowedMiB, 2)} | ${l.verdict} |`,
    );
  }
  return lines.join('\n');
}

/** The accounting table: per kind, how its executions ended. */
export function accountingTable(report: AccountingReport): string {
  const lines = ['| kind | executions | outcomes |', '| --- | --: | --- |'];
  for (const [kind, outcomes] of Object.entries(report.byKind).sort()) {
    const total = Object.values(outcomes).reduce((a, b) => a + b, 0);
    const text = Object.entries(outcomes)
      .sort()
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(`| ${kind} | ${total} | ${text} |`);
  }
  return lines.join('\n');
}

/** Replaces what is between the soak markers of `page`; null when the page lacks them. */
export function replaceSoakSection(page: string, markdown: string): string | null {
  const from = page.indexOf(START);
  const to = page.indexOf(END);
  if (from === -1 || to < from) return null;
  return `${page.slice(0, from + START.length)}\n${markdown}\n${page.slice(to)}`;
}
