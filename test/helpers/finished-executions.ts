import { jsonCall } from './json-call.js';

/**
 * Runs tasks to their end through the API at `url` (its worker), one after
 * another so that they finish in order: `ok` of them GET the API's own
 * /health (completed), `failing` GET a path it does not serve (404:
 * failed). Resolves with their ids, oldest first.
 */
export async function finishExecutions(
  url: string,
  { ok, failing }: { ok: number; failing: number },
  queue?: string,
): Promise<string[]> {
  const ids: string[] = [];
  const home = queue === undefined ? '/api/tasks' : `/api/queues/${queue}/tasks`;
  const paths = [
    ...Array.from({ length: ok }, () => '/health'),
    ...Array.from({ length: failing }, (_, i) => `/no-such-page-${i}`),
  ];
  for (const path of paths) {
    const answer = await jsonCall(url, 'POST', `${home}?wait=30`, { url: `${url}${path}` });
    if (answer.status !== 200) throw new Error(`not finished: ${JSON.stringify(answer.body)}`);
    ids.push(String(answer.body.execution_id));
    // Distinct finishing times make "newest first" a plain order to check.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return ids;
}
