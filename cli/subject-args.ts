import { parseLimitFlags, type LimitFlags } from './limit-args.js';
import { UsageError } from './usage-error.js';

/** A parsed `taskrest destinations …` or `taskrest flow-keys …` command line. */
export type SubjectAction<Simple extends string> =
  | { action: 'ls' }
  | { action: 'set'; name: string; settings: LimitFlags }
  | { action: Simple; name: string };

/**
 * Parses the arguments after `destinations` or `flow-keys`, as `queues`
 * parses its own: `[ls]`, `set NAME [--rate N/SECONDS] [--concurrency N]`,
 * or one of `simple` with NAME and nothing else. The name and the values
 * are checked by the library, which names the bad field.
 */
export function parseSubjectArgs<Simple extends string>(
  args: readonly string[],
  command: string,
  simple: readonly Simple[],
  usage: string,
): SubjectAction<Simple> {
  const [action = 'ls', name, ...rest] = args;
  if (action === 'ls') {
    if (args.length > 1) throw new UsageError(usage);
    return { action };
  }
  if (action !== 'set' && !(simple as readonly string[]).includes(action)) {
    throw new UsageError(`unknown action ${action}\n${usage}`);
  }
  if (name === undefined || name.startsWith('--')) {
    throw new UsageError(`taskrest ${command} ${action} takes NAME\n${usage}`);
  }
  if (action === 'set') return { action, name, settings: parseLimitFlags(rest, usage) };
  if (rest.length > 0) throw new UsageError(usage);
  return { action: action as Simple, name };
}
