import { HoldReason } from '../../../shared/destinations/gate-keys.js';

/**
 * The log's line for a hold: which destination or flow key, and why, in
 * words (`detail` is what the admit script added: the limit, the
 * destination's reason, the last error).
 */
export function holdMessage(
  origin: string,
  flowKey: string | undefined,
  reason: string,
  detail: string,
): string {
  const dest = `destination ${origin}`;
  const flow = `flow key ${JSON.stringify(flowKey ?? '')}`;
  switch (reason) {
    case HoldReason.PAUSED:
      return `${dest} is paused`;
    case HoldReason.CIRCUIT_OPEN:
      return `${dest}'s circuit is open${detail ? ` (last failure: ${detail})` : ''}`;
    case HoldReason.CIRCUIT_HALF_OPEN:
      return `${dest}'s circuit is half-open: waiting for its probe request`;
    case HoldReason.DESTINATION:
      return `${dest} held by its ${detail || 'own headers'}`;
    case HoldReason.RATE_LIMIT:
      return `${dest}'s rate limit (${detail}) is reached`;
    case HoldReason.LEARNED_RATE:
      return `${dest} is held to the rate learned from its 429s (${detail})`;
    case HoldReason.CONCURRENCY:
      return `${dest} has its most requests in flight (${detail})`;
    case HoldReason.FLOW_KEY_PAUSED:
      return `${flow} is paused`;
    case HoldReason.FLOW_KEY_RATE_LIMIT:
      return `${flow}'s rate limit (${detail}) is reached`;
    case HoldReason.FLOW_KEY_CONCURRENCY:
      return `${flow} has its most requests in flight (${detail})`;
    default:
      return `${dest} held (${reason})`;
  }
}
