import type { ExecutionFilter } from '../shared/history/execution-filter.js';
import { LS_USAGE } from './ls-descriptor.js';
import { UsageError } from './usage-error.js';

/** A parsed `taskrest ls` command line: the filter (the API's names) and the output form. */
export interface LsArgs {
  readonly filter: Record<string, string>;
  /** JSON lines even on a terminal. */
  readonly json: boolean;
}

/** The flags that take a value, and the filter key each one sets (the API's parameter names). */
const FLAGS: Readonly<Record<string, keyof ExecutionFilter>> = {
  '--queue': 'queue',
  '--state': 'state',
  '--origin': 'origin',
  '--status-code': 'status_code',
  '--since': 'since',
  '--until': 'until',
  '--q': 'q',
  '--limit': 'limit',
};

/**
 * Parses the arguments after `ls` (`--flag value` or `--flag=value`). The
 * values are checked by the filter's one schema, which names the bad one.
 */
export function parseLsArgs(args: readonly string[]): LsArgs {
  const filter: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--json') {
      json = true;
      continue;
    }
    const [flag = '', inline] = arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    const key = FLAGS[flag];
    if (!key) throw new UsageError(`unexpected argument ${arg}\n${LS_USAGE}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${LS_USAGE}`);
    filter[key] = value;
  }
  return { filter, json };
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}
