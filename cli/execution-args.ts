import { UsageError } from './usage-error.js';

/** `ID [--queue NAME]`, the arguments of commands about one execution; `usage` when they are wrong. */
export function parseExecutionArgs(
  args: readonly string[],
  usage: string,
): { id: string; queue?: string } {
  let id: string | undefined;
  let queue: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--queue' && args[i + 1] !== undefined) queue = args[++i];
    else if (arg.startsWith('--queue=')) queue = arg.slice('--queue='.length);
    else if (id === undefined && !arg.startsWith('--')) id = arg;
    else throw new UsageError(usage);
  }
  if (id === undefined) throw new UsageError(usage);
  return queue === undefined ? { id } : { id, queue };
}
