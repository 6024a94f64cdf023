import type { EnqueueOptions } from '../producer/task-producer.js';
import { ENQUEUE_USAGE } from './enqueue-descriptor.js';
import { UsageError } from './usage-error.js';

export interface EnqueueArgs {
  file?: string;
  json?: string;
  /** Seconds to wait for the output; Infinity for a bare `--wait`; undefined without it. */
  waitSeconds?: number;
  jobOptions: EnqueueOptions;
}

/**
 * Parses enqueue's arguments. Hand-written because `--wait` takes an optional
 * value, which node's parseArgs cannot express.
 */
export function parseEnqueueArgs(args: readonly string[]): EnqueueArgs {
  const result: EnqueueArgs = { jobOptions: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = (): string => {
      const next = args[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value\n${ENQUEUE_USAGE}`);
      return next;
    };
    if (arg === '--json') result.json = value();
    else if (arg === '--wait') {
      const next = args[i + 1];
      if (next !== undefined && /^\d+(\.\d+)?$/.test(next)) {
        result.waitSeconds = Number(next);
        i++;
      } else result.waitSeconds = Infinity;
    } else if (arg.startsWith('--wait=')) result.waitSeconds = positive(arg.slice(7), '--wait');
    else if (arg === '--job-id') result.jobOptions.jobId = value();
    else if (arg === '--queue') result.jobOptions.queue = value();
    // Checked by the producer (whole number, 1 highest): a bad one exits 2 naming it.
    else if (arg === '--priority') result.jobOptions.priority = positive(value(), '--priority');
    // Seconds on the command line, as the API's `delay`; the library's is BullMQ's milliseconds.
    else if (arg === '--delay')
      result.jobOptions.delay = Math.round(positive(value(), '--delay') * 1000);
    else if (arg === '--run-at') result.jobOptions.runAt = value();
    // Who starts the execution: the subject of its pass_user_token token.
    else if (arg === '--user') result.jobOptions.user = value();
    // Where the signed result is POSTed once the execution ended.
    else if (arg === '--callback') result.jobOptions.callback = value();
    else if (arg === '--flow-key') result.jobOptions.flowKey = value();
    else if (arg.startsWith('--') || result.file !== undefined) {
      throw new UsageError(`unexpected argument ${arg}\n${ENQUEUE_USAGE}`);
    } else result.file = arg;
  }
  return result;
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0)
    throw new UsageError(`${name}: expected a number >= 0, got ${text}`);
  return n;
}
