/**
 * The history's queries as a user meets them: `GET /api/executions…` of
 * the API in this process, over loopback HTTP, each answer read and parsed
 * as JSON. A deep page is reached by following `next_cursor` from the
 * first page, as a client paging through the list does.
 */
import { benchOrigin } from './history-records.js';
import { timeRuns, type TimedResult } from './timed-runs.js';

const HOUR = 3_600_000;

/** A page of `GET /api/executions` as far as the bench reads it. */
interface Page {
  executions: unknown[];
  next_cursor: string | null;
}

/** GETs `path` of `base` and answers its JSON; throws unless 200. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  const response = await fetch(`${base}${path}`);
  if (response.status !== 200) {
    throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
  }
  return (await response.json()) as T;
}

/** The list's path for `query`. */
export function executionsPath(query: Record<string, string>): string {
  return `/api/executions?${new URLSearchParams(query).toString()}`;
}

/** The cursor `pages` pages into the list of `query`, followed page by page. */
export async function cursorAfter(
  base: string,
  query: Record<string, string>,
  pages: number,
): Promise<string> {
  let cursor: string | null = null;
  for (let i = 0; i < pages; i++) {
    const page: Page = await getJson<Page>(
      base,
      executionsPath({ ...query, ...(cursor ? { cursor } : {}) }),
    );
    cursor = page.next_cursor;
    if (cursor === null) throw new Error(`the list ended before page ${pages + 1}`);
  }
  return cursor!;
}

/**
 * Times the headline queries through HTTP: the filtered first page (failed,
 * the busiest origin, the 24 hours before `now`), the first page of the
 * whole list against a page `deepPages` pages of 50 deep, and the stats of
 * 24 hours.
 */
export async function measureHttp(
  base: string,
  now: number,
  counts: { runs: number; warmup: number },
  deepPages = 2000,
): Promise<TimedResult[]> {
  const since = new Date(now - 24 * HOUR).toISOString();
  const until = new Date(now).toISOString();
  const page = (query: Record<string, string>) => async () =>
    (await getJson<Page>(base, executionsPath(query))).executions.length;
  const busy = { state: 'failed', origin: benchOrigin(0), since, limit: '50' };
  const all = { limit: '50' };
  const started = performance.now();
  const deep = await cursorAfter(base, all, deepPages);
  const followed = ((performance.now() - started) / deepPages).toFixed(1);
  console.log(`  followed the cursor ${deepPages} pages deep (${followed} ms a page on average)`);
  const stats = `/api/executions/stats?${new URLSearchParams({ since, until }).toString()}`;
  return [
    await timeRuns('HTTP filtered first page (failed, busy origin, 24 h)', counts, page(busy), 50),
    await timeRuns('HTTP first page of the whole list', counts, page(all)),
    await timeRuns(
      `HTTP page ${deepPages + 1} of the whole list (${deepPages * 50} rows deep), by cursor`,
      counts,
      page({ ...all, cursor: deep }),
    ),
    await timeRuns(
      'HTTP stats, 24 h',
      counts,
      async () => (await getJson<{ buckets: unknown[] }>(base, stats)).buckets.length,
      300,
    ),
  ];
}
