import { createLogger } from '../shared/logger.js';
import { redactUrl } from '../shared/redact.js';
import { ExitCode, type Command } from './command.js';
import { untilAborted } from './until-aborted.js';
import { startHistoryRecording } from './history-recording.js';
import { recorderDescriptor } from './recorder-descriptor.js';
import { UsageError } from './usage-error.js';

/**
 * `taskrest recorder`: a history recorder and nothing else, for deployments
 * that scale the recording apart from the API. Needs TASKREST_HISTORY_URL
 * (exits 2 naming it when unset); runs until SIGTERM/SIGINT.
 */
export const recorderCommand: Command = async (args, { config, signal, stderr }) => {
  if (args.length > 0) {
    throw new UsageError(`taskrest recorder takes no arguments\n${recorderDescriptor.usage}`);
  }
  if (!config.historyUrl) {
    stderr.write(
      'taskrest recorder: TASKREST_HISTORY_URL is not set: it names the PostgreSQL to record the history in (postgres://…)\n',
    );
    return ExitCode.USAGE;
  }
  const logger = createLogger(config);
  const history = await startHistoryRecording(config, logger, { url: config.historyUrl });
  try {
    logger.info('history recorder started', {
      history: redactUrl(config.historyUrl),
      consumer: history.recorder.consumer,
    });
    await untilAborted(signal);
    logger.info('history recorder stopping', { written: history.recorder.written });
  } finally {
    await history.close();
  }
  return ExitCode.SUCCESS;
};
