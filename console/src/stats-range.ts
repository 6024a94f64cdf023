/** A range the Overview shows: how far back, and the bucket that suits it. */
export interface StatsRange {
  /** The API's `since` and the URL's `range` (`1h`). */
  readonly id: string;
  /** The selector's word (`1 h`). */
  readonly option: string;
  /** How the range is said in a title (`last hour`). */
  readonly words: string;
  readonly seconds: number;
  /** One chart bucket; about a hundred or fewer buckets over the range, each a readable unit. */
  readonly bucketSeconds: number;
  /** The bucket in words (`minute`). */
  readonly per: string;
}

/** The Overview's ranges; the first is the default. */
export const STATS_RANGES: readonly StatsRange[] = [
  { id: '1h', option: '1 h', words: 'last hour', seconds: 3600, bucketSeconds: 60, per: 'minute' },
  {
    id: '24h',
    option: '24 h',
    words: 'last 24 hours',
    seconds: 86_400,
    bucketSeconds: 900,
    per: '15 minutes',
  },
  {
    id: '7d',
    option: '7 d',
    words: 'last 7 days',
    seconds: 604_800,
    bucketSeconds: 3600,
    per: 'hour',
  },
];

/** The range a URL's `range` names (the default one when it names none). */
export function rangeOf(id: string | null): StatsRange {
  return STATS_RANGES.find((r) => r.id === id) ?? STATS_RANGES[0]!;
}

/** The chart's accessible name and the caption of its table of numbers. */
export function chartLabelOf(range: StatsRange): string {
  return `Completed and failed executions per ${range.per}, ${range.words}`;
}

/** The query of the stats of `range`, one bucket each `bucketSeconds`, of one queue when given. */
export function statsPathOf(range: StatsRange, bucketSeconds: number, queue?: string): string {
  const query = new URLSearchParams({ since: range.id, bucket_seconds: String(bucketSeconds) });
  if (queue !== undefined) query.set('queue', queue);
  return `/api/executions/stats?${query.toString()}`;
}
