import type { Config } from './config.js';

/**
 * Process logs: one JSON object a line on stderr. Callers pass only redacted
 * values; secrets never reach here.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;
type Level = keyof typeof LEVELS;

export function createLogger(
  config: Pick<Config, 'logLevel'>,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const threshold = LEVELS[config.logLevel];
  const emit = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    write(
      `${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
