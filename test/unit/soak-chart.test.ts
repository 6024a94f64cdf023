/**
 * The soak's report: the SVG chart it writes to docs/images, the markdown
 * tables, the section of docs/operations.md between the soak markers, and
 * the fault timeline that scales with the run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  accountingTable,
  memoryTable,
  renderSvg,
  replaceSoakSection,
  tickStep,
} from '../../bench/soak/soak-chart.js';
import { faultTimeline, killCount } from '../../bench/soak/soak-faults.js';
import type { AccountingReport } from '../../bench/soak/soak-accounting.js';
import { faultText, settleAfterRestart } from '../../bench/soak/soak-report.js';

const root = new URL('../../', import.meta.url);

describe('renderSvg', () => {
  const svg = renderSvg(
    [
      {
        name: 'worker-1',
        points: [
          { t: 0, mib: 100 },
          { t: 600, mib: 110 },
        ],
      },
      {
        name: 'redis <used>',
        points: [
          { t: 0, mib: 20 },
          { t: 300, mib: 30 },
        ],
      },
    ],
    [{ t: 300, label: 'kill -9 worker-1' }],
    'soak & memory',
  );

  it('draws one polyline per series, scaled into the plot, with a legend', () => {
    const polylines = [...svg.matchAll(/<polyline [^>]*points="([^"]+)"/g)].map((m) => m[1]);
    expect(polylines).toHaveLength(2);
    // 600 s is the right edge of the plot (760 - 150), 0 s the left (56).
    expect(polylines[0]).toMatch(/^56\.0,[\d.]+ 610\.0,[\d.]+$/);
    expect(svg).toContain('>worker-1</text>');
  });

  it('marks each fault with a dashed line and escapes text', () => {
    expect(svg).toContain('stroke-dasharray="4 3"');
    expect(svg).toContain('>kill -9 worker-1</text>');
    expect(svg).toContain('redis &lt;used&gt;');
    expect(svg).toContain('soak &amp; memory');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
  });

  it('picks round tick steps', () => {
    expect(tickStep(180, 6)).toBe(50);
    expect(tickStep(10, 8)).toBe(2);
    expect(tickStep(30, 8)).toBe(5);
  });
});

describe('the tables', () => {
  it('writes one row per process with slope, noise, rise and verdict', () => {
    const table = memoryTable([
      [
        'api',
        {
          samples: 12,
          slopeMiBPerHour: 3.25,
          noiseMiB: 1.234,
          riseMiB: 0.5,
          allowedMiB: 2.468,
          verdict: 'levels off',
        },
      ],
    ]);
    expect(table.split('\n')).toEqual([
      '| process | samples | slope MiB/hour | noise MiB | rise over window MiB | allowed MiB | verdict |',
      '| --- | --: | --: | --: | --: | --: | --- |',
      '| api | 12 | 3.3 | 1.23 | 0.50 | 2.47 | levels off |',
    ]);
  });

  it('writes the outcomes of each kind', () => {
    const report = {
      byKind: { replay: { replayed: 3 }, ok: { completed: 10, failed: 1 } },
    } as unknown as AccountingReport;
    expect(accountingTable(report).split('\n').slice(2)).toEqual([
      '| ok | 11 | completed 10, failed 1 |',
      '| replay | 3 | replayed 3 |',
    ]);
  });
});

describe('docs/operations.md', () => {
  const page = readFileSync(new URL('docs/operations.md', root), 'utf8');

  it('has the soak markers, and only what is between them is replaced', () => {
    const replaced = replaceSoakSection(page, 'NEW');
    expect(replaced).not.toBeNull();
    const start = page.indexOf('<!-- soak:start -->');
    const end = page.indexOf('<!-- soak:end -->');
    expect(replaced?.slice(0, start)).toBe(page.slice(0, start));
    expect(replaced?.endsWith(page.slice(end))).toBe(true);
    expect(replaced).toContain('<!-- soak:start -->\nNEW\n<!-- soak:end -->');
  });

  it('is left alone (null) without markers', () => {
    expect(replaceSoakSection('# no markers', 'x')).toBeNull();
  });
});

describe('faultTimeline', () => {
  it('gives a 3-minute run every fault once, and two kills', () => {
    expect(faultTimeline(180, 2)).toEqual([
      { at: 60, kind: 'kill-worker', worker: 0 },
      { at: 90, kind: 'restart-redis' },
      { at: 120, kind: 'kill-worker', worker: 1 },
      { at: 150, kind: 'restart-postgres' },
    ]);
  });

  it('kills a worker about every 4 minutes of a 30-minute run, alternating', () => {
    const faults = faultTimeline(1800, 2);
    expect(killCount(1800)).toBe(8);
    const kills = faults.filter((f) => f.kind === 'kill-worker');
    expect(kills.map((f) => f.at)).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600]);
    expect(kills.map((f) => ('worker' in f ? f.worker : -1))).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(faults.filter((f) => f.kind === 'restart-redis')).toEqual([
      { at: 900, kind: 'restart-redis' },
    ]);
    expect(faults.filter((f) => f.kind === 'restart-postgres')).toEqual([
      { at: 1100, kind: 'restart-postgres' },
    ]);
  });
});

describe('the report', () => {
  it('names each fault and how long its process took to come back', () => {
    const at = { at: 60, tookMs: 1234, active: 3 };
    expect(faultText({ ...at, kind: 'kill-worker', process: 'worker-1' })).toBe(
      'kill -9 of worker-1 at 60 s (back in 1.2 s)',
    );
    expect(faultText({ ...at, kind: 'restart-redis', process: 'redis' })).toBe(
      'Redis stopped and started from its AOF at 60 s (back in 1.2 s)',
    );
  });

  it('leaves out 1/30 of the run after a restart, 20 to 60 s', () => {
    expect([180, 900, 1800, 7200].map(settleAfterRestart)).toEqual([20, 30, 60, 60]);
  });
});
