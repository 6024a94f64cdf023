import { ColumnHeads } from './column-heads.js';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { StatsBucket } from '../../shared/history/execution-history.js';

const COMPLETED_COLOR = '#2f9e44';
const FAILED_COLOR = '#e03131';

/**
 * Completed and failed executions per bucket, drawn with uPlot. The canvas
 * is one image to assistive technology; the same numbers are in a visually
 * hidden table beside it.
 */
export function StatsChart({
  buckets,
  label,
  rangeSeconds,
}: {
  buckets: StatsBucket[];
  label: string;
  /** How far back the x axis goes from now: the range the buckets were asked for. */
  rangeSeconds: number;
}) {
  const holder = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = holder.current;
    if (!element) return;
    const text = getComputedStyle(element).color;
    const now = Date.now() / 1000;
    const axis = { stroke: text, grid: { stroke: 'rgba(128,128,128,0.25)' } };
    const plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 320),
        height: 240,
        series: [
          {},
          { label: 'completed', stroke: COMPLETED_COLOR, width: 2 },
          { label: 'failed', stroke: FAILED_COLOR, width: 2 },
        ],
        axes: [axis, axis],
        // The whole range asked for, not just the buckets that have executions (a
        // single bucket would otherwise stretch the axis over years); counts from 0.
        scales: {
          x: { time: true, range: (): uPlot.Range.MinMax => [now - rangeSeconds, now] },
          y: { range: (_u, _min, max): uPlot.Range.MinMax => [0, Math.max(1, max)] },
        },
      },
      [
        buckets.map((b) => Date.parse(b.at) / 1000),
        buckets.map((b) => b.completed),
        buckets.map((b) => b.failed),
      ],
      element,
    );
    return () => plot.destroy();
  }, [buckets, rangeSeconds]);

  return (
    <>
      <div ref={holder} class="chart" role="img" aria-label={label} />
      <table class="visually-hidden">
        <caption>{label}</caption>
        <ColumnHeads names={['bucket', 'completed', 'failed']} />
        <tbody>
          {buckets.map((b) => (
            <tr key={b.at}>
              <td>{b.at}</td>
              <td>{b.completed}</td>
              <td>{b.failed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
