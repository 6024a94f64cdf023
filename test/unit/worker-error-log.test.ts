import { describe, expect, it } from 'vitest';
import type { Logger } from '../../shared/logger.js';
import { REPEAT_INTERVAL_MS, workerErrorLog } from '../../worker/runtime/worker-error-log.js';

function recordingLogger(lines: unknown[]): Logger {
  const ignore = () => undefined;
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (msg, fields) => lines.push({ msg, ...fields }),
  };
}

describe('workerErrorLog', () => {
  it('logs a message once, then once per interval with the count of the repeats left out', () => {
    const lines: unknown[] = [];
    let clock = 0;
    const log = workerErrorLog(recordingLogger(lines), () => clock);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    // Both connections, every attempt.
    for (; clock < REPEAT_INTERVAL_MS; clock += 500) {
      log(refused);
      log(refused);
    }
    log(new Error('could not renew lock for job 7'));
    expect(lines).toEqual([
      { msg: 'worker error', error: 'connect ECONNREFUSED 127.0.0.1:6379' },
      { msg: 'worker error', error: 'could not renew lock for job 7' },
    ]);
    log(refused);
    expect(lines.at(-1)).toEqual({
      msg: 'worker error',
      error: 'connect ECONNREFUSED 127.0.0.1:6379',
      repeated: 2 * (REPEAT_INTERVAL_MS / 500) - 1,
    });
  });

  it('turns a thrown non-error into its message', () => {
    const lines: unknown[] = [];
    workerErrorLog(recordingLogger(lines))('plain string');
    expect(lines).toEqual([{ msg: 'worker error', error: 'plain string' }]);
  });
});
