import type { FastifyInstance } from 'fastify';
import type { Config } from '../shared/config.js';
import { ConfigError } from '../shared/errors/config-error.js';
import type { Logger } from '../shared/logger.js';
import { outboundPolicyOf } from '../shared/outbound/outbound-policy.js';
import type { RedisClient } from '../shared/redis-connection.js';
import { AlertSender } from './alert-sender.js';
import { AlertStore } from './alert-store.js';
import { AlertWatcher } from './alert-watcher.js';

/** The alerts of one API process: what `GET /api/alerts` reads, and the watcher when alerts are on. */
export interface Alerting {
  readonly store: AlertStore;
  /** Present with TASKREST_ALERT_URL. */
  readonly watcher: AlertWatcher | undefined;
}

/**
 * Throws a ConfigError when TASKREST_ALERT_URL is set and the outbound
 * policy refuses its host: a URL no POST could ever reach is a
 * configuration error, found before anything is opened, not a stream of
 * failed deliveries.
 */
export function assertAlertUrlAllowed(config: Config): void {
  const { url } = config.alerts;
  if (url === undefined) return;
  try {
    outboundPolicyOf(config).checkUrl(new URL(url));
  } catch (error) {
    throw new ConfigError(`TASKREST_ALERT_URL: ${(error as Error).message}`);
  }
}

/**
 * Builds the API process's alerts; with TASKREST_ALERT_URL the watcher
 * runs while `app` listens (a server built and never served sends none) and
 * stops when it closes, before its Redis connection does.
 */
export function createAlerting(
  app: FastifyInstance,
  redis: RedisClient,
  config: Config,
  logger: Logger,
): Alerting {
  const store = new AlertStore(redis, config.prefix);
  const { url } = config.alerts;
  if (url === undefined) return { store, watcher: undefined };
  const sender = new AlertSender({
    url,
    secrets: config.callbackSecrets,
    timeouts: config.callbackTimeouts,
    policy: outboundPolicyOf(config),
  });
  const watcher = new AlertWatcher(redis, config, store, sender, logger);
  app.addHook('onListen', (done) => {
    watcher.start();
    done();
  });
  app.addHook('onClose', async () => watcher.close());
  return { store, watcher };
}
