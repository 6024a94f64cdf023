import type { ScheduleOptions } from '../shared/schedule-settings.js';
import { SCHEDULES_USAGE } from './schedules-descriptor.js';
import { UsageError } from './usage-error.js';

/** A parsed `taskrest schedules` command line. */
export type SchedulesAction =
  | { action: 'ls' }
  | { action: 'get' | 'rm'; id: string }
  | {
      action: 'set';
      id: string;
      /** The task's source, as `enqueue` reads it. */
      source: { file?: string; json?: string };
      options: Omit<ScheduleOptions, 'task'>;
    };

/** The flags of `set` and the option each fills. */
const SET_FLAGS: Record<string, (options: Omit<ScheduleOptions, 'task'>, value: string) => void> = {
  '--cron': (o, v) => (o.cron = v),
  '--tz': (o, v) => (o.tz = v),
  '--every': (o, v) => (o.everySeconds = numberOf(v, '--every')),
  '--queue': (o, v) => (o.queue = v),
  '--start-at': (o, v) => (o.startAt = v),
  '--end-at': (o, v) => (o.endAt = v),
  '--limit': (o, v) => (o.limit = numberOf(v, '--limit')),
};

/**
 * Parses the arguments after `schedules`. Values are checked by the library
 * (the one schema of schedules), which names the bad field; here only the
 * shape of the command line: `--cron` or `--every`, one TASK.
 */
export function parseSchedulesArgs(args: readonly string[]): SchedulesAction {
  const [action = 'ls', id, ...rest] = args;
  if (action === 'ls') {
    if (args.length > 1) throw new UsageError(SCHEDULES_USAGE);
    return { action };
  }
  if (!['get', 'rm', 'set'].includes(action))
    throw new UsageError(`unknown action ${action}\n${SCHEDULES_USAGE}`);
  if (id === undefined || id.startsWith('--')) {
    throw new UsageError(`taskrest schedules ${action} takes ID\n${SCHEDULES_USAGE}`);
  }
  if (action === 'get' || action === 'rm') {
    if (rest.length > 0) throw new UsageError(SCHEDULES_USAGE);
    return { action, id };
  }
  const options: Omit<ScheduleOptions, 'task'> = {};
  const source: { file?: string; json?: string } = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    const fill = arg === '--json' ? (_o: unknown, v: string) => (source.json = v) : SET_FLAGS[arg];
    if (fill) {
      const value = rest[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value\n${SCHEDULES_USAGE}`);
      fill(options, value);
    } else if (arg.startsWith('--') || source.file !== undefined) {
      throw new UsageError(`unexpected argument ${arg}\n${SCHEDULES_USAGE}`);
    } else source.file = arg;
  }
  if ((options.cron === undefined) === (options.everySeconds === undefined)) {
    throw new UsageError(`give either --cron or --every\n${SCHEDULES_USAGE}`);
  }
  return { action: 'set', id, source, options };
}

function numberOf(text: string, flag: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n))
    throw new UsageError(`${flag}: expected a number, got ${text}`);
  return n;
}
