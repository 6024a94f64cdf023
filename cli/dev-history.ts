import { join } from 'node:path';
import type { Config } from '../shared/config.js';
import type { Logger } from '../shared/logger.js';
import { redactUrl } from '../shared/redact.js';
import { startHistoryRecording, type HistoryRecording } from './history-recording.js';
import { takePidLock } from './pid-lock.js';

/** Where `taskrest dev` keeps its history without TASKREST_HISTORY_URL, under its working directory. */
export const DEV_HISTORY_DIR = join('.taskrest', 'history');

/**
 * The history of `taskrest dev`: TASKREST_HISTORY_URL's when set, else the
 * embedded store in `.taskrest/history` under `cwd`, so that what one tried
 * out is still listed after a restart. The folder is one process's at a
 * time (a pid lock file beside it); a second `dev` there keeps its history
 * in memory and says so. `say` writes a line for the person at the terminal.
 */
export async function startDevHistory(
  config: Config,
  logger: Logger,
  cwd: string,
  say: (line: string) => void,
): Promise<HistoryRecording> {
  if (config.historyUrl) {
    const recording = await startHistoryRecording(config, logger, { url: config.historyUrl });
    say(`taskrest dev: recording the history in ${redactUrl(config.historyUrl)}.`);
    return recording;
  }
  const dir = join(cwd, DEV_HISTORY_DIR);
  const lock = await takePidLock(`${dir}.pid`);
  if (!lock) {
    say(
      `taskrest dev: ${dir} is in use by another taskrest dev: this one keeps its history in memory (gone when it stops).`,
    );
  }
  try {
    const recording = await startHistoryRecording(config, logger, { dir: lock ? dir : undefined });
    if (lock) say(`taskrest dev: recording the history in ${dir}.`);
    return {
      ...recording,
      async close() {
        await recording.close();
        await lock?.release();
      },
    };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}
