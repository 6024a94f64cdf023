import { z } from 'zod';
import {
  checkEnqueueOptions,
  ENQUEUE_OPTION_NAMES,
  enqueueOptionsSchema,
  type EnqueueOptionsInput,
} from '../shared/enqueue-options.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import type { EnqueueOptions } from '../producer/task-producer.js';

/** The enqueue options a POST route takes as query parameters (the key is a header there). */
const QUERY_OPTION_NAMES = ENQUEUE_OPTION_NAMES.filter((name) => name !== 'idempotency_key');

/**
 * The enqueue options among a POST route's query parameters, checked
 * (other parameters, such as `wait`, are the route's own). Throws an
 * InvalidOptionsError naming each bad one: nothing is stored then.
 */
export function enqueueOptionsOfQuery(query: unknown): EnqueueOptionsInput {
  const given = Object.fromEntries(
    Object.entries((query ?? {}) as Record<string, unknown>).filter(([name]) =>
      (QUERY_OPTION_NAMES as string[]).includes(name),
    ),
  );
  const result = checkEnqueueOptions(given);
  if (!result.ok) throw new InvalidOptionsError(result.issues);
  return result.options;
}

/** The library's options for checked enqueue options: `delay` in ms, `runAt`, `priority`, `jobId`, `callback`. */
export function libraryOptionsOf(
  options: EnqueueOptionsInput,
): Pick<EnqueueOptions, 'delay' | 'runAt' | 'priority' | 'jobId' | 'callback'> {
  return {
    ...(options.delay !== undefined ? { delay: Math.round(options.delay * 1000) } : {}),
    ...(options.run_at !== undefined ? { runAt: options.run_at } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.idempotency_key !== undefined ? { jobId: options.idempotency_key } : {}),
    ...(options.callback !== undefined ? { callback: options.callback } : {}),
  };
}

/** The enqueue options' JSON schemas by name, for the OpenAPI document (query parameters, bulk items). */
export function enqueueOptionsJsonSchemas(): Record<string, unknown> {
  const schema = z.toJSONSchema(enqueueOptionsSchema, { io: 'output', unrepresentable: 'any' });
  return (schema as { properties?: Record<string, unknown> }).properties ?? {};
}

/** The enqueue options as OpenAPI query parameter schemas (without the idempotency key). */
export function enqueueQueryProperties(): Record<string, unknown> {
  const all = enqueueOptionsJsonSchemas();
  return Object.fromEntries(QUERY_OPTION_NAMES.map((name) => [name, all[name] ?? {}]));
}
