import type { QueueSettings } from '../shared/queue-settings.js';
import { UsageError } from './usage-error.js';

/** The limits `queues set`, `destinations set` and `flow-keys set` take: the same two flags. */
export type LimitFlags = Pick<QueueSettings, 'rate_limit' | 'max_concurrency'>;

/**
 * Parses `--rate N/SECONDS|none` and `--concurrency N|none`; anything else is
 * a UsageError ending with `usage`. Values are checked by the library (the
 * one schema of the settings), which names the bad field.
 */
export function parseLimitFlags(args: readonly string[], usage: string): LimitFlags {
  const settings: LimitFlags = {};
  for (let i = 0; i < args.length; i++) {
    const flag = args[i]!;
    const value = args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${usage}`);
    if (flag === '--rate') settings.rate_limit = rateOf(value);
    else if (flag === '--concurrency')
      settings.max_concurrency = value === 'none' ? null : Number(value);
    else throw new UsageError(`unexpected argument ${flag}\n${usage}`);
  }
  return settings;
}

/** `5/1` (5 per second), `100/60`; `none` removes the limit. */
export function rateOf(text: string): QueueSettings['rate_limit'] {
  if (text === 'none') return null;
  const match = /^(\d+)\/(\d+(?:\.\d+)?)$/.exec(text);
  if (!match) throw new UsageError(`--rate: expected N/SECONDS (e.g. 5/1) or none, got ${text}`);
  return { max: Number(match[1]), per_seconds: Number(match[2]) };
}
