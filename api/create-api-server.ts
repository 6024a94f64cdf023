import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import type { ExecutionHistory } from '../shared/history/execution-history.js';
import type { Logger } from '../shared/logger.js';
import { createRedis } from '../shared/redis-connection.js';
import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { apiErrorHandler } from './error-answers.js';
import { alertsRoute } from './alerts-route.js';
import { assertAlertUrlAllowed, createAlerting } from './alerting.js';
import { parseApiTokens } from './api-tokens.js';
import { bearerAuth } from './bearer-auth.js';
import { bulkRoute } from './bulk-route.js';
import { consoleRoute } from './console-route.js';
import { executionsRoutes } from './executions-routes.js';
import { dashboard } from './dashboard.js';
import { assertCredentialsForHost, isLoopbackHost } from './exposure-check.js';
import { filesRoutes } from './files-routes.js';
import { healthRoute } from './health-route.js';
import { loopbackHostGuard, runsOpen } from './loopback-host-guard.js';
import { metricsRoute } from './metrics-route.js';
import { generateOpenApi } from './openapi-generator.js';
import { openApiRoute } from './openapi-route.js';
import { createPrometheusMetrics } from './prometheus-metrics.js';
import { tasksRoutes } from './tasks-routes.js';
import { queuesRoutes } from './queues-routes.js';
import { destinationsRoutes } from './destinations-routes.js';
import { flowKeysRoutes } from './flow-keys-routes.js';
import { replayRoute } from './replay-route.js';
import { schedulesRoutes } from './schedules-routes.js';
import { QueueViews } from './queue-views.js';

/** The longest path parameter the router takes: a 200-character name, percent-encoded. */
const MAX_PATH_PARAMETER_LENGTH = 600;

/** The HTTP API, dashboard and metrics of every queue. */
export interface ApiServer {
  readonly app: FastifyInstance;
  readonly producer: TaskProducer;
  /** Every method + URL the server serves, as registered (`/api/tasks/:id`); HEAD included. */
  readonly routes: readonly { method: string; url: string }[];
  /** Listens on HOST:PORT (or the given address) and resolves with the base URL. */
  listen(address?: { host?: string; port?: number }): Promise<string>;
  /** Stops listening, then closes the producer and Redis connections. */
  close(): Promise<void>;
}

/** What the server reads besides Redis. */
export interface ApiServerOptions {
  /**
   * Where `GET /api/executions…` read: the history store (the caller's:
   * the server does not close it). Without one, what Redis still holds.
   */
  readonly history?: ExecutionHistory | undefined;
}

/**
 * Builds the API server: `/api/*` behind bearer tokens (API_TOKENS),
 * `/dashboard` behind basic auth, `/health` and `/metrics` open. Throws a
 * ConfigError when HOST is not loopback and credentials are missing.
 */
export async function createApiServer(
  config: Config,
  logger: Logger,
  { history }: ApiServerOptions = {},
): Promise<ApiServer> {
  assertCredentialsForHost(config);
  assertAlertUrlAllowed(config);
  // One fail-fast connection for the producer, the health check and the
  // dashboard's and metrics' view of the queue; closed here, not by the producer.
  const redis = createRedis(config, 'producer');
  redis.on('error', () => undefined);
  const { redisUrl: _ownConnection, ...options } = producerOptionsOf(config);
  const producer = new TaskProducer({
    ...options,
    connection: redis,
    ...(history ? { history } : {}),
  });
  const views = new QueueViews(redis, config);
  const app = fastifyOf(config, logger);
  app.setErrorHandler(apiErrorHandler(logger));
  const alerting = createAlerting(app, redis, config, logger);
  // Open on loopback: DNS rebinding must not turn a web page into a caller.
  if (isLoopbackHost(config.host) && runsOpen(config))
    app.addHook('onRequest', loopbackHostGuard());
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', ({ method, url }) => {
    for (const one of [method].flat()) routes.push({ method: one, url });
  });
  // Before any route: the OpenAPI document is generated from the routes as they are added.
  await generateOpenApi(app);

  await app.register(async (api) => {
    api.addHook('onRequest', bearerAuth(parseApiTokens(config.apiTokens), logger));
    await api.register(tasksRoutes(producer, config));
    await api.register(bulkRoute(producer, config));
    await api.register(queuesRoutes(producer));
    await api.register(replayRoute(producer));
    await api.register(schedulesRoutes(producer));
    await api.register(destinationsRoutes(producer));
    await api.register(flowKeysRoutes(producer));
    await api.register(alertsRoute(alerting.store, alerting.watcher !== undefined));
    await api.register(filesRoutes(producer.files));
    await api.register(executionsRoutes(producer.history, config.queueName));
  });
  // Outside the token's scope: the page must load before its Authorize button can take the token.
  await app.register(openApiRoute);
  await app.register(healthRoute(redis));
  await app.register(metricsRoute(createPrometheusMetrics(views, redis, config)));
  await app.register(dashboard(views, config));
  await app.register(consoleRoute());

  return {
    app,
    producer,
    routes,
    async listen(address = {}) {
      return app.listen({ host: address.host ?? config.host, port: address.port ?? config.port });
    },
    async close() {
      await app.close();
      await producer.close();
      await views.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/** The fastify instance: the process's logger, the body limit, path parameters as long as names go. */
function fastifyOf(config: Config, logger: Logger): FastifyInstance {
  const loggerInstance: FastifyBaseLogger | undefined = logger.pino;
  return Fastify({
    // fastify logs through the process's pino; requests are not logged one by one.
    ...(loggerInstance ? { loggerInstance } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.maxTaskBytes,
    // fastify's default (100) is shorter than the names the API takes in its paths (a queue
    // name, an Idempotency-Key as execution id, a schedule id: up to 200 characters each, some
    // percent-encoded): every queue the API lists must be reachable through it.
    routerOptions: { maxParamLength: MAX_PATH_PARAMETER_LENGTH },
    // `__proto__` and `constructor.prototype` are legal JSON, and a task's `json` body must reach
    // its target as written. JSON.parse makes them own data properties (no prototype is touched);
    // the task schema drops such keys from name → value inputs, and nothing here merges objects.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
  });
}
