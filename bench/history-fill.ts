/**
 * The recorder benchmark's filled table (`bench:recorder -- --filled`): a
 * million records of a week, loaded with INSERT … SELECT FROM
 * generate_series in chunks, the quickest way to a table of that size
 * before the recorder's own runs are timed into it. (`bench:history` loads
 * its records through the recorder instead: history-load.ts.) A mix
 * close to production: 20 queues, 50 origins (a few busy, many quiet), 80 %
 * completed, 15 % failed, 5 % cancelled, status codes by outcome, 10 %
 * under a flow key, 5 % from a schedule, URLs of 80–100 characters, failure
 * messages of 60–110, and an output of about 600 bytes.
 */
import type { SqlClient } from '../history/sql-client.js';
import { DAY_MS, dayStart, Partitions } from '../history/partitions.js';

/** The origin with index `n` (0–49), as the fill writes it. */
export function benchOrigin(n: number): string {
  return `https://api-${n}.example.com:443`;
}

/** Rows `from`..`to` of the fill, finished in the 7 days before `now`. */
const CHUNK_SQL = `
INSERT INTO executions (queue, execution_id, run, state, method, url, origin, status_code, message,
  attempts, enqueued_at, started_at, finished_at, duration_ms, flow_key, schedule, trace_id, output)
SELECT queue, g::text, 1, state, method, url, origin, status_code, message, attempts,
  finished_at - make_interval(secs => (duration_ms + 150) / 1000.0),
  finished_at - make_interval(secs => duration_ms / 1000.0),
  finished_at, duration_ms, flow_key, schedule, md5(g::text),
  jsonb_build_object('execution_id', g, 'status', CASE WHEN state = 'completed' THEN 'success' ELSE 'error' END,
    'message', message, 'status_code', status_code,
    'headers', jsonb_build_object('content-type', 'application/json; charset=utf-8',
      'date', 'Sun, 06 Dec 2026 10:00:00 GMT', 'x-request-id', md5(g::text)),
    'text', '{"id":"ord-' || g || '","status":"accepted","lines":[{"sku":"A-100","qty":2},{"sku":"B-220","qty":1}],"total":"129.90"}',
    'cookies', '{}'::jsonb, 'encoding', 'utf-8',
    'log', jsonb_build_array(method || ' ' || url || ' -> ' || coalesce(status_code::text, 'no answer')))
FROM (
  SELECT g, state, origin, finished_at, duration_ms, queue, method, attempts,
    CASE state WHEN 'completed' THEN (ARRAY[200, 200, 200, 201, 204])[1 + g % 5]
      WHEN 'failed' THEN (ARRAY[500, 502, 503, 404, 429, 400])[1 + g % 6] END AS status_code,
    origin || '/v1/customers/cus-' || (g % 9973) || '/orders/ord-' || g
      || '?expand=lines,customer&page=' || (g % 7) AS url,
    CASE state WHEN 'completed' THEN 'OK'
      WHEN 'failed' THEN 'Request failed with status code ' || (ARRAY[500, 502, 503, 404, 429, 400])[1 + g % 6]
        || ' after ' || attempts || ' attempts: ' || (ARRAY['upstream timeout from the payment gateway',
        'connection reset by peer', 'order not found', 'rate limited, retry later',
        'invalid request body: missing field customer_id', 'service unavailable'])[1 + g % 6]
      ELSE 'Cancelled while waiting for the response' END AS message,
    CASE WHEN g % 10 = 0 THEN 'flow-' || (g % 5000) END AS flow_key,
    CASE WHEN g % 20 = 1 THEN 'schedule-' || (g % 40) END AS schedule
  FROM (
    SELECT g,
      CASE WHEN r1 < 0.80 THEN 'completed' WHEN r1 < 0.95 THEN 'failed' ELSE 'cancelled' END AS state,
      'https://api-' || floor(50 * r2 * r2)::int || '.example.com:443' AS origin,
      $3::timestamptz - make_interval(secs => r3 * 7 * 86400) AS finished_at,
      (20 + 3000 * r4 * r4 * r4)::int AS duration_ms,
      'queue-' || (g % 20) AS queue,
      (ARRAY['GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'])[1 + g % 7] AS method,
      1 + (g % 3) AS attempts
    FROM (SELECT g, random() r1, random() r2, random() r3, random() r4
      FROM generate_series($1::int, $2::int) g) AS randoms
  ) AS drawn
) AS rows`;

/**
 * Fills `executions` with `count` records finished in the 7 days before
 * `now` (their day partitions made first), `chunk` rows a statement, then
 * VACUUM ANALYZEs. Returns the seconds it took.
 */
export async function fillHistory(
  client: SqlClient,
  count: number,
  now: number,
  log: (line: string) => void,
  chunk = 100_000,
): Promise<number> {
  const started = performance.now();
  const days = Array.from({ length: 9 }, (_, i) => dayStart(now) - (7 - i) * DAY_MS);
  await new Partitions(client).ensure(days);
  for (let from = 1; from <= count; from += chunk) {
    const to = Math.min(count, from + chunk - 1);
    await client.query(CHUNK_SQL, [from, to, new Date(now).toISOString()]);
    log(`  filled ${to.toLocaleString('en-US')} records (${elapsed(started)} s)`);
  }
  // What autovacuum does after a bulk load: the GIN indexes' pending lists merged, statistics taken.
  await client.query('VACUUM ANALYZE executions');
  log(`  VACUUM ANALYZE done (${elapsed(started)} s)`);
  return (performance.now() - started) / 1000;
}

const elapsed = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
