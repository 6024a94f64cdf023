import { createBullBoard } from '@bull-board/api';
import { errorHandler as boardErrorHandler } from '@bull-board/api/dist/handlers/error.js';
import type { HTTPStatus } from '@bull-board/api/dist/types.js';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { splitJobData } from '../shared/job-envelope.js';
import { redactUrl } from '../shared/redact.js';
import { toApiError } from './error-answers.js';
import { basicAuth } from './basic-auth.js';
import { dropOutsideFonts } from './dashboard-fonts.js';
import { redactBoardResponse, redactJobData, redactOutput } from './dashboard-redaction.js';

/** Where the dashboard lives. */
export const DASHBOARD_PATH = '/dashboard';

/**
 * `/dashboard`: bull-board for the queue. Basic auth (DASHBOARD_USER and
 * DASHBOARD_PASSWORD) guards the page, its static assets and its API alike,
 * since all of them are registered inside one scope with the auth hook.
 * Task data, outputs, failure reasons and logs are shown redacted;
 * DASHBOARD_READ_ONLY=1 hides every action that changes the queue. The page
 * loads nothing from other hosts (its web fonts link is dropped).
 */
export function dashboard(
  queue: Queue,
  config: Pick<Config, 'dashboardUser' | 'dashboardPassword' | 'dashboardReadOnly'>,
) {
  return async (app: FastifyInstance): Promise<void> => {
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode: config.dashboardReadOnly,
      description: 'REST tasks (taskrest)',
    });
    adapter.setFormatter('data', redactJobData);
    adapter.setFormatter('returnValue', redactOutput);
    adapter.setFormatter('name', describeJob);
    createBullBoard({
      queues: [adapter],
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
