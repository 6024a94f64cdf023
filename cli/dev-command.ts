import { loadConfig, type Config } from '../shared/config.js';
import { redactUrl } from '../shared/redact.js';
import { createLogger } from '../shared/logger.js';
import { startTaskWorker } from '../worker/runtime/task-worker.js';
import { createApiServer } from '../api/create-api-server.js';
import type { Command } from './command.js';
import { untilAborted } from './until-aborted.js';
import { startDevHistory } from './dev-history.js';
import { executionLines } from './dev-execution-line.js';
import { ensureRedis } from './ensure-redis.js';
import { startTracing } from './start-tracing.js';

/**
 * `taskrest dev` (and `npm start`): a worker, the HTTP API and the dashboard
 * in one process for trying it out, on HOST:PORT, on a private throwaway
 * Redis when none answers at REDIS_URL; with a history recorder into
 * TASKREST_HISTORY_URL, or else into the embedded store in
 * `.taskrest/history` (see dev-history.ts).
 */
export const devCommand: Command = async (_args, context) => {
  const { config, signal, stderr } = context;
  // On a terminal (where the lines go: stderr), lines for people (pino-pretty);
  // JSON lines when piped or collected.
  const pretty = (stderr as { isTTY?: boolean }).isTTY === true;
  const logger = createLogger(config, { pretty });
  if (!config.secretKey) {
    // Written, not logged: dev is for a person at a terminal, whatever the log level.
    stderr.write(
      'taskrest dev: TASKREST_SECRET_KEY is not set: sensitive task inputs are stored in clear in Redis\n',
    );
  }
  const redis = await ensureRedis(config.redisUrl, (line) => stderr.write(`${line}\n`));
  if (!redis) return 1;
  const tracing = await startTracing(process.env, logger);
  const say = (line: string) => stderr.write(`${line}\n`);
  try {
    // A line per ended execution: wired here, so that other commands' workers make none.
    const onEnded = executionLines(logger, { pretty });
    const worker = startTaskWorker(config, logger, { recordHistory: true, onEnded });
    const history = await startDevHistory(config, logger, process.cwd(), say).catch(
      async (error: unknown) => {
        await worker.close();
        throw error;
      },
    );
    try {
      const api = await createApiServer(config, logger, { history: history.store });
      try {
        const url = await api.listen();
        stderr.write(
          [
            `taskrest dev: a worker is consuming queue "${config.queueName}" on ${redactUrl(config.redisUrl)}.`,
            `console: ${url}/`,
            `HTTP API on ${url}/api, dashboard on ${url}/dashboard, metrics on ${url}/metrics.`,
            'Try, in another terminal:',
            // The product's own /health: the hint works on a machine without internet.
            `  ${enqueueEnv(config)}npx taskrest enqueue --wait --json '{"url": "${url}/health"}'`,
            `  curl -s -X POST '${url}/api/tasks?wait=30' -H 'content-type: application/json' -d '{"url": "${url}/health"}'`,
            'Stop with Ctrl-C.',
            '',
          ].join('\n'),
        );
        await untilAborted(signal);
      } finally {
        await api.close();
      }
    } finally {
      await worker.close();
      await history.close();
    }
  } finally {
    await tracing.shutdown();
    await redis.stop();
  }
  return 0;
};

/**
 * The variables another terminal needs to reach the queue dev serves, where
 * they differ from the defaults: `REDIS_URL=redis://127.0.0.1:6390 `.
 */
function enqueueEnv(config: Config): string {
  const defaults = loadConfig({});
  const vars: [string, string, string][] = [
    ['REDIS_URL', redactUrl(config.redisUrl), redactUrl(defaults.redisUrl)],
    ['TASKREST_QUEUE', config.queueName, defaults.queueName],
    ['TASKREST_PREFIX', config.prefix, defaults.prefix],
  ];
  return vars
    .filter(([, value, fallback]) => value !== fallback)
    .map(([name, value]) => `${name}=${shellQuote(value)} `)
    .join('');
}

/** A value as one shell word: quoted when it holds anything but plain characters. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
