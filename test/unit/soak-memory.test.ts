/**
 * The soak's memory verdict: a least-squares line through the window's
 * samples, its rise across the window compared with twice the residual
 * standard deviation (or the floor), samples right after a restart left out.
 */
import { describe, expect, it } from 'vitest';
import { fitLine, levelOff, windowPoints, type MemoryPoint } from '../../bench/soak/soak-memory.js';

const window = { from: 0, to: 600, restarts: [], settleSeconds: 60, floorMiB: 1 };
// A deterministic wobble of ±2 MiB, no trend.
const wobble = (t: number) => 100 + 2 * Math.sin(t / 7);
const series = (f: (t: number) => number): MemoryPoint[] =>
  Array.from({ length: 61 }, (_, i) => ({ t: i * 10, mib: f(i * 10) }));

describe('fitLine', () => {
  it('finds the slope of an exact line, with no noise', () => {
    const { slope, noise } = fitLine(series((t) => 50 + 0.01 * t));
    expect(slope).toBeCloseTo(0.01, 10);
    expect(noise).toBeCloseTo(0, 10);
  });

  it('measures the scatter as the residual standard deviation (n - 2)', () => {
    const points = [
      { t: 0, mib: 1 },
      { t: 1, mib: -1 },
      { t: 2, mib: 1 },
      { t: 3, mib: -1 },
    ];
    const { slope, noise } = fitLine(points);
    expect(slope).toBeCloseTo(-0.4, 10);
    // Residuals 0.4, -1.2, 1.2, -0.4: sum of squares 3.2 over 2 degrees of freedom.
    expect(noise).toBeCloseTo(Math.sqrt(1.6), 10);
  });
});

describe('levelOff', () => {
  it('calls a flat, noisy series levelled off', () => {
    const fit = levelOff(series(wobble), window);
    expect(fit.verdict).toBe('levels off');
    expect(fit.samples).toBe(61);
    expect(Math.abs(fit.riseMiB)).toBeLessThan(fit.allowedMiB);
    expect(fit.allowedMiB).toBeCloseTo(2 * fit.noiseMiB, 10);
  });

  it('calls a steady climb above the noise growth, in MiB per hour', () => {
    const fit = levelOff(
      series((t) => wobble(t) + t / 60),
      window,
    );
    expect(fit.verdict).toBe('grows');
    // The wobble tilts the fit a little: within 5 MiB/hour of the 60 put in.
    expect(fit.slopeMiBPerHour).toBeCloseTo(60, -1);
    expect(fit.riseMiB).toBeCloseTo(fit.slopeMiBPerHour / 6, 10);
  });

  it('calls a falling series levelled off', () => {
    expect(
      levelOff(
        series((t) => wobble(t) - t / 60),
        window,
      ).verdict,
    ).toBe('levels off');
  });

  it('does not call a rise under the floor growth, however quiet the samples', () => {
    const fit = levelOff(
      series((t) => 100 + t / 1000),
      window,
    );
    expect(fit.noiseMiB).toBeCloseTo(0, 6);
    expect(fit.riseMiB).toBeCloseTo(0.6, 6);
    expect(fit.verdict).toBe('levels off');
  });

  it('leaves out the samples right after a restart, and those outside the window', () => {
    const points = series((t) => (t >= 300 && t < 360 ? 20 : 100));
    const restarted = { ...window, from: 100, restarts: [300] };
    const used = windowPoints(points, restarted);
    expect(used.every((p) => p.t >= 100 && (p.t < 300 || p.t >= 360))).toBe(true);
    expect(used).toHaveLength(50 - 6 + 1);
    expect(levelOff(points, restarted).verdict).toBe('levels off');
    expect(levelOff(points, { ...restarted, restarts: [] }).noiseMiB).toBeGreaterThan(10);
  });

  it('says so when too few samples remain', () => {
    const fit = levelOff(series(wobble).slice(0, 3), window);
    expect(fit.verdict).toBe('too few samples');
  });
});
