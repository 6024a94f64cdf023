import type { Config } from '../../shared/config.js';
import { createFilesStore } from '../../shared/files/files-store.js';
import type { Logger } from '../../shared/logger.js';
import type { RedisClient } from '../../shared/redis-connection.js';
import { createAuthorizer } from '../executor/authorize-task.js';
import type { ParkingExecutorDeps } from '../executor/executor.js';
import { createHttpClient, type HttpClient } from '../executor/http-client.js';
import type { OutboundPolicy } from '../../shared/outbound/outbound-policy.js';
import { createPolicyLookup } from '../../shared/outbound/policy-lookup.js';
import type { RequestGate } from '../executor/request-gate.js';

/** The worker process's one HTTP client, every connection under the outbound `policy`. */
export function createWorkerHttpClient(
  config: Pick<Config, 'maxResponseBytes'>,
  policy: OutboundPolicy,
): HttpClient {
  return createHttpClient({
    defaultMaxResponseBytes: config.maxResponseBytes,
    lookup: createPolicyLookup(policy),
    // Every connection, whoever asks for it (a task, a grant's token request): IP literals too.
    checkHost: (hostname) => policy.checkDestination(hostname),
  });
}

/** What the worker's executor deps are made of, besides the configuration. */
export interface WorkerDepsParts {
  readonly connection: RedisClient;
  readonly http: HttpClient;
  readonly policy: OutboundPolicy;
  /** The destinations' gate every request asks (absent: none, as in a test without Redis state). */
  readonly gate?: RequestGate;
  readonly logger: Logger;
}

/**
 * The executor's dependencies in a worker process: its HTTP client, the
 * files resource, the outbound policy's check of each hop, the
 * destinations' gate, credentials (grants, user tokens), and the parking of
 * long retry waits and held executions.
 */
export function createExecutorDeps(
  config: Config,
  { connection, http, policy, gate, logger }: WorkerDepsParts,
): ParkingExecutorDeps {
  return {
    http: http.axios,
    files: createFilesStore(connection, config),
    maxResponseBytes: config.maxResponseBytes,
    // No execution holds a worker slot without end, whatever its task says.
    timeLimitMs: config.maxTaskMs,
    checkDestination: (url) => policy.checkUrl(url),
    // Reads GRANTS_FILE and the user-token settings: a bad one stops the worker here.
    authorize: createAuthorizer(config, { redis: connection, http: http.axios, logger }),
    ...(gate ? { gate } : {}),
    // A retry wait longer than this parks the job as delayed and frees the slot.
    parking: {
      inlineMs: config.inlineRetryMs,
    },
  };
}
