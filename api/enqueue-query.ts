import { z } from 'zod';
import {
  checkEnqueueOptions,
  ENQUEUE_OPTION_NAMES,
  enqueueOptionsSchema,
  type EnqueueOptionsInput,
} from '../shared/enqueue-options.js';
import { InvalidOptionsError } from '../shared/errors/invalid-options-error.js';
import { unknownNameIssues } from '../shared/unknown-names.js';
import type { EnqueueOptions } from '../producer/task-producer.js';

/** The enqueue options a POST route takes as query parameters (the key is a header there). */
const QUERY_OPTION_NAMES = ENQUEUE_OPTION_NAMES.filter((name) => name !== 'idempotency_key');

/**
 * The enqueue options among a POST route's query parameters, checked.
 * `routeParams` are the route's own parameters (such as `wait`); any other
 * name is refused as an unknown option, with the name it is closest to, so
 * that a typo (`?dealy=5`) is never taken as "no delay". Throws an
 * InvalidOptionsError naming each bad one: nothing is stored then.
 */
export function enqueueOptionsOfQuery(
  query: unknown,
  routeParams: readonly string[] = [],
): EnqueueOptionsInput {
  const params = (query ?? {}) as Record<string, unknown>;
  const unknown = unknownNameIssues(params, [...QUERY_OPTION_NAMES, ...routeParams]);
  const given = Object.fromEntries(
    Object.entries(params).filter(([name]) => (QUERY_OPTION_NAMES as string[]).includes(name)),
  );
  const result = checkEnqueueOptions(given);
  if (!result.ok || unknown.length > 0) {
    throw new InvalidOptionsError([...(result.ok ? [] : result.issues), ...unknown]);
  }
  return result.options;
}

/** The library's options for checked enqueue options: `delay` in ms, `runAt`, `priority`, `jobId`, `callback`, `flowKey`. */
export function libraryOptionsOf(
  options: EnqueueOptionsInput,
): Pick<EnqueueOptions, 'delay' | 'runAt' | 'priority' | 'jobId' | 'callback' | 'flowKey'> {
  return {
    ...(options.delay !== undefined ? { delay: Math.round(options.delay * 1000) } : {}),
    ...(options.run_at !== undefined ? { runAt: options.run_at } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.idempotency_key !== undefined ? { jobId: options.idempotency_key } : {}),
    ...(options.callback !== undefined ? { callback: options.callback } : {}),
    ...(options.flow_key !== undefined ? { flowKey: options.flow_key } : {}),
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
