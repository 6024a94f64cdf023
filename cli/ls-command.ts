import type { HistoryStore } from '../history/history-store.js';
import { openHistory } from '../history/open-history.js';
import { TaskProducer } from '../producer/task-producer.js';
import { producerOptionsOf } from '../producer/task-producer-options.js';
import { parseExecutionFilter } from '../shared/history/execution-filter.js';
import type { ExecutionSummary } from '../shared/history/execution-record.js';
import { ExitCode, type Command } from './command.js';
import { parseLsArgs } from './ls-args.js';
import { executionsTable } from './ls-table.js';

/**
 * `taskrest ls`: the executions that ended, newest first, at most `--limit`
 * (one page of that size; default 50). From TASKREST_HISTORY_URL's history
 * when set, else what Redis still holds (through the library's
 * `listExecutions`, as any service would). JSON lines when asked or when
 * stdout is no terminal (for `jq` and pipes), else a table.
 */
export const lsCommand: Command = async (args, { config, stdout }) => {
  const { filter, json } = parseLsArgs(args);
  // Checked before anything is opened: a bad filter exits 2 naming it.
  const { limit } = parseExecutionFilter(filter);
  let history: HistoryStore | undefined;
  if (config.historyUrl) {
    history = await openHistory({ url: config.historyUrl, retentionDays: config.historyDays });
  }
  const producer = new TaskProducer({
    ...producerOptionsOf(config),
    ...(history ? { history } : {}),
  });
  try {
    const shown: ExecutionSummary[] = [];
    for await (const execution of producer.listExecutions({ ...filter, limit })) {
      shown.push(execution);
      if (shown.length >= limit) break;
    }
    const lines = json || (stdout as { isTTY?: boolean }).isTTY !== true;
    stdout.write(
      lines ? shown.map((e) => `${JSON.stringify(e)}\n`).join('') : executionsTable(shown),
    );
    return ExitCode.SUCCESS;
  } finally {
    await producer.close();
    await history?.close();
  }
};
