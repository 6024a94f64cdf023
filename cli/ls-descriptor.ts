import type { CommandDescriptor } from './command-descriptor.js';

/** `taskrest ls`' usage line, which its usage errors end with too. */
export const LS_USAGE =
  'usage: taskrest ls [--queue NAME] [--state S] [--origin O] [--status-code N] [--since 1h|ISO] [--until 1h|ISO] [--q TEXT] [--limit N] [--json]';

/** `taskrest ls` in the registry; the command is ls-command.ts. */
export const lsDescriptor: CommandDescriptor<'ls'> = {
  name: 'ls',
  summary: 'list executions that ended, newest first (a table, or JSON lines)',
  synopsis: 'ls [--queue NAME] [--state S] [--since 1h|ISO] [--q TEXT] [--limit N] [--json]',
  usage: `${LS_USAGE}

Lists the executions that ended, newest first: at most --limit of them
(default 50, up to 500). Filters: --queue, --state (completed, failed or
cancelled), --origin (https://host:443), --status-code, --since and
--until (an ISO 8601 time or a duration back from now: 90s, 15m, 1h, 7d),
--q (text in the URL or the message). A table on a terminal; JSON lines
(one execution a line) with --json or when the output is not a terminal.
Reads the history at TASKREST_HISTORY_URL when set, else what Redis holds.
Exit codes: 0 listed, 1 failed, 2 usage or a bad filter.
`,
  load: async () => (await import('./ls-command.js')).lsCommand,
};
