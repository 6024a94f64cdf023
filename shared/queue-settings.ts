import { z } from 'zod';
import { QUEUE_NAME } from './config-variables.js';
import { InvalidQueueError } from './errors/invalid-queue-error.js';
import { settingsIssues } from './settings-issues.js';
import { wholeMillisecondsSchema } from './whole-milliseconds.js';

/** The shortest window of a rate limit: one millisecond, BullMQ's unit. */
const MIN_RATE_WINDOW_SECONDS = 0.001;

/** A queue as the API, the CLI and the library show it. */
export interface QueueInfo {
  name: string;
  rate_limit: RateLimit | null;
  max_concurrency: number | null;
  paused: boolean;
  /** Executions by BullMQ state. */
  counts: Record<string, number>;
  /**
   * The earliest the execution that has waited longest (paused or not) can
   * have entered the wait list (ISO); null when none waits.
   */
  oldest_waiting_at: string | null;
}

/** The one schema of queue settings (the API's body, the library's argument). */
export const queueSettingsSchema = z.strictObject({
  rate_limit: z
    .strictObject({
      max: z.number().int().min(1),
      per_seconds: wholeMillisecondsSchema(MIN_RATE_WINDOW_SECONDS, 86_400),
    })
    .nullable()
    .optional(),
  max_concurrency: z.number().int().min(1).nullable().optional(),
  paused: z.boolean().optional(),
});

/** A queue's rate limit: at most `max` executions start per `per_seconds`, across all workers. */
export type RateLimit = NonNullable<z.output<typeof queueSettingsSchema>['rate_limit']>;

/**
 * What `PUT /api/queues/:queue` and `producer.queues.set` change; a field left
 * out stays as it is, null removes a limit. From the schema, its one source.
 */
export type QueueSettings = z.output<typeof queueSettingsSchema>;

/** The JSON schema of queue settings, for the API's OpenAPI document. */
export function queueSettingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(queueSettingsSchema, { io: 'input' });
}

/** The one schema of a queue name (it becomes part of Redis keys). */
export const queueNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(QUEUE_NAME, { error: 'expected letters, digits, _ . -' });

/** Checked settings; throws InvalidQueueError naming each bad field. */
export function parseQueueSettings(input: unknown): QueueSettings {
  const result = queueSettingsSchema.safeParse(input);
  if (!result.success) {
    throw new InvalidQueueError(settingsIssues(result.error));
  }
  return result.data;
}

/** A checked queue name; throws InvalidQueueError (field `queue`). */
export function checkQueueName(name: unknown): string {
  const result = queueNameSchema.safeParse(name);
  if (!result.success) {
    throw new InvalidQueueError(
      result.error.issues.map((i) => ({ path: 'queue', message: i.message })),
    );
  }
  return result.data;
}
