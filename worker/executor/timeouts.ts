import type { Task } from '../../shared/task-schema.js';
import type { TransportOptions } from './transport/transport-options.js';
import { byReference } from './by-reference.js';

/**
 * The task's three timeouts as transport settings. Each is its own limit
 * (the connector's connect_timeout, read_timeout, total_timeout): the TCP/TLS connect,
 * the longest silence while reading, one whole attempt. 0 or null disables one.
 * With `keepResponseBytes`, the body is read that far (never past the
 * worker's limit) and cut there, not refused.
 */
export function transportOptions(
  task: Task,
  maxResponseBytes: number,
  keepResponseBytes?: number,
): TransportOptions {
  return byReference({
    connectTimeoutMs: toMs(task.connect_timeout),
    readTimeoutMs: toMs(task.read_timeout),
    totalTimeoutMs: toMs(task.total_timeout),
    maxResponseBytes:
      keepResponseBytes === undefined
        ? maxResponseBytes
        : Math.min(keepResponseBytes, maxResponseBytes),
    ...(keepResponseBytes === undefined ? {} : { cutResponse: true }),
    tls: {
      rejectUnauthorized: task.verify_ssl,
      ...(task.cacert ? { ca: task.cacert } : {}),
    },
  });
}

function toMs(seconds: number | null | undefined): number | null {
  return seconds ? Math.round(seconds * 1000) : null;
}
