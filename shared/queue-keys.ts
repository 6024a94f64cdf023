/**
 * Where each queue's keys live. Every taskrest queue is one BullMQ queue
 * whose BullMQ prefix is a hash tag of its own, `{<TASKREST_PREFIX>:<queue>}`
 * (`{taskrest:rest-tasks}`): in a Redis Cluster each queue sits in one slot
 * (BullMQ's scripts need that) and different queues spread over the masters.
 *
 * A TASKREST_PREFIX that already carries a hash tag (`{taskrest}`, the layout
 * before named queues) is used as written for every queue: all queues then
 * share its one slot, and an existing deployment keeps its keys.
 */

/** What locates one queue's keys: TASKREST_PREFIX and the queue name. */
export interface QueueRef {
  readonly prefix: string;
  readonly queueName: string;
}

/** True when `prefix` holds a hash tag of its own (`{…}` with something inside). */
export function hasHashTag(prefix: string): boolean {
  return /\{[^}]+\}/.test(prefix);
}

/** The hash tag (as a key prefix) of `name` under TASKREST_PREFIX: `{taskrest:name}`. */
export function keyTag(prefix: string, name: string): string {
  return hasHashTag(prefix) ? prefix : `{${prefix}:${name}}`;
}

/** The BullMQ `prefix` option of a queue. */
export function bullPrefixOf({ prefix, queueName }: QueueRef): string {
  return keyTag(prefix, queueName);
}

/** The start of every key of a queue, as BullMQ builds them: `{taskrest:q}:q`. */
export function queueKeyBase(ref: QueueRef): string {
  return `${bullPrefixOf(ref)}:${ref.queueName}`;
}

/**
 * The Redis set of every queue's name (the registry that lists them and
 * that workers without TASKREST_QUEUES watch). A registry, not a lock: a
 * name in it only says the queue exists.
 */
export function queueRegistryKey(prefix: string): string {
  return `${keyTag(prefix, 'registry')}:taskrest-queues`;
}
