import { isFinished, type ExecutionState } from '../shared/execution.js';
import type { TaskProducer } from '../producer/task-producer.js';

/** Watching an execution's state; `stop` ends it. */
export interface ProgressWatch {
  stop(): Promise<void>;
}

/**
 * Tells `say` each state an execution goes through (`execution 7: active`)
 * while the CLI waits for it, until it finished or `stop` is called. Polls:
 * the states worth showing last hundreds of milliseconds at least, and a
 * missed blink between two polls is no loss. Errors are left to the wait.
 */
export function watchProgress(
  producer: Pick<TaskProducer, 'getExecution'>,
  id: number | string,
  say: (line: string) => void,
  { intervalMs = 200, queue }: { intervalMs?: number; queue?: string } = {},
): ProgressWatch {
  let stopped = false;
  let last: ExecutionState | undefined;
  let timer: NodeJS.Timeout | undefined;
  let wake: () => void = () => undefined;
  /** Reads the state and tells it when it changed; true once the execution finished. */
  const poll = async (): Promise<boolean> => {
    const state = await producer.getExecution(id, { queue }).then(
      (execution) => execution?.state,
      () => undefined,
    );
    if (state !== undefined && state !== last) {
      last = state;
      say(`execution ${id}: ${state}\n`);
    }
    return last !== undefined && isFinished(last);
  };
  const loop = (async () => {
    while (!stopped) {
      if (await poll()) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, intervalMs);
      });
    }
  })();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      wake();
      await loop;
      // The wait may end between two polls: the final state is told too.
      if (last === undefined || !isFinished(last)) await poll();
    },
  };
}
