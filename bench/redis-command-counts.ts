import { Redis } from 'ioredis';

/** Redis' count of calls per command so far (INFO commandstats), the INFO itself left out. */
export async function commandCounts(url: string): Promise<Map<string, number>> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    const info = await redis.info('commandstats');
    const counts = new Map<string, number>();
    for (const [, name, calls] of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
      if (name !== 'info') counts.set(name ?? '', Number(calls));
    return counts;
  } finally {
    redis.disconnect();
  }
}

/** Each command's calls between two counts, divided by `units` (jobs, requests). */
export function callsPer(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
  units: number,
): Map<string, number> {
  const result = new Map<string, number>();
  for (const [name, calls] of after) {
    const delta = calls - (before.get(name) ?? 0);
    if (delta > 0) result.set(name, delta / units);
  }
  return result;
}
