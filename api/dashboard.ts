import { createBullBoard } from '@bull-board/api';
import { errorHandler as boardErrorHandler } from '@bull-board/api/dist/handlers/error.js';
import type { HTTPStatus } from '@bull-board/api/dist/types.js';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { splitJobData } from '../shared/job-envelope.js';
import { redactUrl } from '../shared/redact.js';
import { toApiError } from './error-answers.js';
import { basicAuth } from './basic-auth.js';
import { dropOutsideFonts } from './dashboard-fonts.js';
import { redactBoardResponse, redactJobData, redactOutput } from './dashboard-redaction.js';
import type { QueueViews } from './queue-views.js';

/** How often, at most, the dashboard looks for queues created since (on a request). */
export const DASHBOARD_REFRESH_MS = 2000;

/** Where the dashboard lives. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * `/dashboard`: bull-board, one board queue per taskrest queue; queues
 * created later appear on the next request (read at most every
 * DASHBOARD_REFRESH_MS). Basic auth (DASHBOARD_USER and
 * DASHBOARD_PASSWORD) guards the page, its static assets and its API alike,
 * since all of them are registered inside one scope with the auth hook.
 * Task data, outputs, failure reasons and logs are shown redacted;
 * DASHBOARD_READ_ONLY=1 hides every action that changes the queue. The page
 * loads nothing from other hosts (its web fonts link is dropped).
 */
export function dashboard(
  views: QueueViews,
  config: Pick<Config, 'dashboardUser' | 'dashboardPassword' | 'dashboardReadOnly'>,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    const adapterOf = (name: string) => {
      const adapter = new BullMQAdapter(views.queueOf(name), {
        readOnlyMode: config.dashboardReadOnly,
        description: 'REST tasks (taskrest)',
      });
      adapter.setFormatter('data', redactJobData);
      adapter.setFormatter('returnValue', redactOutput);
      adapter.setFormatter('name', describeJob);
      return adapter;
    };
    const shown = new Set<string>();
    const board = createBullBoard({
      queues: [],
      serverAdapter,
      options: {
        uiConfig: { boardTitle: 'taskrest', hideDocsLink: true },
        handlerHooks: { after: redactBoardResponse },
      },
    });
    // bull-board answers every error of its JSON API with 500; a Redis outage
    // is a 503 there as everywhere else in the API. (Its HTTPStatus type lists
    // only the codes it uses itself; the Fastify adapter sends any.)
    serverAdapter.setErrorHandler((error) => {
      const { statusCode, body } = toApiError(error);
      if (statusCode !== 503) return boardErrorHandler(error);
      return { status: 503 as HTTPStatus, body };
    });
    app.addHook('onRequest', basicAuth(config.dashboardUser, config.dashboardPassword));
    app.addHook('onSend', dropOutsideFonts);
    let checkedAt = -Infinity;
    // After the auth check: unauthenticated requests never make Redis reads.
    app.addHook('onRequest', async () => {
      if (performance.now() - checkedAt < DASHBOARD_REFRESH_MS) return;
      checkedAt = performance.now();
      // Without Redis the board answers 503 on its own; the known queues stay.
      const names = await views.names().catch(() => [...shown]);
      for (const name of names.filter((n) => !shown.has(n))) {
        board.addQueue(adapterOf(name));
        shown.add(name);
      }
      for (const name of [...shown].filter((n) => !names.includes(n))) {
        board.removeQueue(name);
        shown.delete(name);
      }
    });
    await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  };
}

/** A job's name in the list: `rest-task GET https://host/path` (URL credentials redacted). */
function describeJob(job: { name?: string; data?: unknown }): string {
  const { task } = splitJobData(job.data);
  if (task === null || typeof task !== 'object') return job.name ?? '';
  const { method, url, hostname } = task as Record<string, unknown>;
  const target =
    typeof url === 'string' && /^https?:\/\//i.test(url) ? redactUrl(url) : (hostname ?? url);
  return [job.name, typeof method === 'string' ? method.toUpperCase() : 'GET', target]
    .filter((part) => typeof part === 'string' && part !== '')
    .join(' ');
}
