/** How long ago `iso` was, for people (`45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`); '–' without a time. */
export function ageOf(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '–';
  const seconds = Math.max(0, Math.floor((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A duration in ms for people (`850 ms`, `2.4 s`); '–' when unknown. */
export function millisOf(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** An interval in seconds for people (`every 30 s`, `every 5 min`, `every 2 h`). */
export function everyOf(seconds: number): string {
  if (seconds % 3600 === 0) return `every ${seconds / 3600} h`;
  if (seconds % 60 === 0) return `every ${seconds / 60} min`;
  return `every ${seconds} s`;
}
