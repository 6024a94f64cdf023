import { z } from 'zod';

/**
 * The enqueue options a caller may give beside the task (query parameters
 * of the POST routes, CLI flags, the library's options), checked before
 * anything is stored: a bad one is named by its zod issue path.
 */
export const enqueueOptionsSchema = z.object({
  /** Where taskrest POSTs the signed result once the execution ended (see docs/callbacks.md). */
  callback: z
    .url({ protocol: /^https?$/, error: 'expected an http or https URL' })
    .max(2048, { error: 'expected a URL of at most 2048 characters' })
    .optional(),
});

export type EnqueueOptionsInput = z.infer<typeof enqueueOptionsSchema>;
