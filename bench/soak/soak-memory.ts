/**
 * Does a process's memory level off? A least-squares line through its
 * samples over the last part of the run, compared with the samples' own
 * scatter around that line.
 */

/** One memory sample: seconds since the soak started, MiB. */
export interface MemoryPoint {
  readonly t: number;
  readonly mib: number;
}

/** The fit of one process's memory over the window. */
export interface LevelOff {
  /** Samples in the window that were used (not right after a restart of the process). */
  readonly samples: number;
  /** Slope of the least-squares line, MiB per hour. */
  readonly slopeMiBPerHour: number;
  /** Residual standard deviation around the line, MiB (n - 2 degrees of freedom). */
  readonly noiseMiB: number;
  /** What the line rises across the window: slope × window length, MiB. */
  readonly riseMiB: number;
  /** What the rise is compared with: max(2 × noise, the floor), MiB. */
  readonly allowedMiB: number;
  /** `levels off` when riseMiB ≤ allowedMiB; `grows` otherwise; `too few samples` below 4. */
  readonly verdict: 'levels off' | 'grows' | 'too few samples';
}

/** The window and what is left out of it. */
export interface LevelOffWindow {
  /** Window start and end, seconds since the soak started. */
  readonly from: number;
  readonly to: number;
  /** Times (s) the process was restarted (or Redis started again): samples after them are left out. */
  readonly restarts: readonly number[];
  /** How long after a restart its samples are left out, s. */
  readonly settleSeconds: number;
  /**
   * The smallest rise ever called growth, MiB: below it a rise is the
   * allocator's granularity, not a leak, however quiet the samples are.
   */
  readonly floorMiB: number;
}

/** Least-squares slope (per second) and residual standard deviation of the points. */
export function fitLine(points: readonly MemoryPoint[]): { slope: number; noise: number } {
  const n = points.length;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanV = points.reduce((s, p) => s + p.mib, 0) / n;
  let stt = 0;
  let stv = 0;
  for (const p of points) {
    stt += (p.t - meanT) ** 2;
    stv += (p.t - meanT) * (p.mib - meanV);
  }
  const slope = stt === 0 ? 0 : stv / stt;
  const residuals = points.reduce((s, p) => s + (p.mib - meanV - slope * (p.t - meanT)) ** 2, 0);
  return { slope, noise: n > 2 ? Math.sqrt(residuals / (n - 2)) : 0 };
}

/** The samples of the window, without those within `settleSeconds` after a restart. */
export function windowPoints(
  points: readonly MemoryPoint[],
  window: LevelOffWindow,
): MemoryPoint[] {
  return points.filter(
    (p) =>
      p.t >= window.from &&
      p.t <= window.to &&
      !window.restarts.some((r) => p.t >= r && p.t < r + window.settleSeconds),
  );
}

/**
 * Fits a line through the window's samples and calls the memory levelled
 * off when the line's rise across the window is at most twice the residual
 * standard deviation (or the floor, if that is larger). A falling line
 * levels off too.
 */
export function levelOff(points: readonly MemoryPoint[], window: LevelOffWindow): LevelOff {
  const used = windowPoints(points, window);
  const span = window.to - window.from;
  if (used.length < 4) {
    return {
      samples: used.length,
      slopeMiBPerHour: 0,
      noiseMiB: 0,
      riseMiB: 0,
      allowedMiB: window.floorMiB,
      verdict: 'too few samples',
    };
  }
  const { slope, noise } = fitLine(used);
  const riseMiB = slope * span;
  const allowedMiB = Math.max(2 * noise, window.floorMiB);
  return {
    samples: used.length,
    slopeMiBPerHour: slope * 3600,
    noiseMiB: noise,
    riseMiB,
    allowedMiB,
    verdict: riseMiB <= allowedMiB ? 'levels off' : 'grows',
  };
}
