import { z } from 'zod';
import { destinationOf } from '../destination-origin.js';
import { FLOW_KEY_HINT, FLOW_KEY_PATTERN } from '../enqueue-options.js';
import { InvalidDestinationError } from '../errors/invalid-destination-error.js';
import { InvalidFlowKeyError } from '../errors/invalid-flow-key-error.js';
import { settingsIssues } from '../settings-issues.js';
import { wholeMillisecondsSchema } from '../whole-milliseconds.js';

const WHOLE_AT_LEAST_ONE = 'expected a whole number >= 1';

/** The limits an operator sets on a destination or a flow key: a queue's three. */
const limitShape = {
  rate_limit: z
    .strictObject({
      max: z.number({ error: WHOLE_AT_LEAST_ONE }).int({ error: WHOLE_AT_LEAST_ONE }).min(1, {
        error: WHOLE_AT_LEAST_ONE,
      }),
      // The gate counts sends in a window of whole milliseconds, as BullMQ's limiter does.
      per_seconds: wholeMillisecondsSchema(0.001, 86_400),
    })
    .nullable()
    .optional(),
  max_concurrency: z
    .number({ error: WHOLE_AT_LEAST_ONE })
    .int({ error: WHOLE_AT_LEAST_ONE })
    .min(1, { error: WHOLE_AT_LEAST_ONE })
    .nullable()
    .optional(),
  paused: z.boolean({ error: 'expected true or false' }).optional(),
};

/** The one schema of a flow key's settings (the API's body, the library's argument). */
export const flowKeySettingsSchema = z.strictObject(limitShape);

/** The one schema of a destination's settings: a flow key's, and the circuit forced closed. */
export const destinationSettingsSchema = z.strictObject({
  ...limitShape,
  circuit: z
    .literal('closed', { error: 'expected "closed" (the circuit is opened by failures only)' })
    .optional(),
});

/**
 * What `PUT /api/flow-keys/:key` and `producer.flowKeys.set` change; a field
 * left out stays as it is, null removes a limit.
 */
export type FlowKeySettings = z.output<typeof flowKeySettingsSchema>;

/** What `PUT /api/destinations/:origin` and `producer.destinations.set` change. */
export type DestinationSettings = z.output<typeof destinationSettingsSchema>;

/** The JSON schema of destination settings, for the OpenAPI document. */
export function destinationSettingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(destinationSettingsSchema, { io: 'input' });
}

/** The JSON schema of flow key settings, for the OpenAPI document. */
export function flowKeySettingsJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(flowKeySettingsSchema, { io: 'input' });
}

/** Checked destination settings; throws InvalidDestinationError naming each bad field. */
export function parseDestinationSettings(input: unknown): DestinationSettings {
  const result = destinationSettingsSchema.safeParse(input);
  if (!result.success) throw new InvalidDestinationError(settingsIssues(result.error));
  return result.data;
}

/** Checked flow key settings; throws InvalidFlowKeyError naming each bad field. */
export function parseFlowKeySettings(input: unknown): FlowKeySettings {
  const result = flowKeySettingsSchema.safeParse(input);
  if (!result.success) throw new InvalidFlowKeyError(settingsIssues(result.error));
  return result.data;
}

const ORIGIN_HINT = 'expected an origin, http(s)://host[:port]';

/**
 * The destination named by `input` as the gate names it (`https://host:443`,
 * destinationOf), or InvalidDestinationError (field `origin`) for anything
 * that is no origin: a path other than `/`, a query, a fragment, user info,
 * another scheme, or no URL at all. An origin is also part of Redis keys,
 * so nothing is guessed.
 */
export function parseOrigin(input: unknown): string {
  const problem = originProblem(input);
  if (problem !== null) {
    throw new InvalidDestinationError([{ path: 'origin', message: problem }]);
  }
  return destinationOf(new URL(input as string));
}

function originProblem(input: unknown): string | null {
  if (typeof input !== 'string' || !URL.canParse(input)) return ORIGIN_HINT;
  const url = new URL(input);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${ORIGIN_HINT}: the scheme must be http or https`;
  }
  if (url.username !== '' || url.password !== '') return `${ORIGIN_HINT}: no user info`;
  // The URL parser drops an empty `?` or `#`: the text is asked as well.
  if (url.search !== '' || input.includes('?')) return `${ORIGIN_HINT}: no query`;
  if (url.hash !== '' || input.includes('#')) return `${ORIGIN_HINT}: no fragment`;
  if (url.pathname !== '/') return `${ORIGIN_HINT}: no path`;
  return null;
}

/** A checked flow key name; throws InvalidFlowKeyError (field `flow_key`). */
export function parseFlowKeyName(input: unknown): string {
  if (typeof input !== 'string' || !FLOW_KEY_PATTERN.test(input)) {
    throw new InvalidFlowKeyError([{ path: 'flow_key', message: FLOW_KEY_HINT }]);
  }
  return input;
}
