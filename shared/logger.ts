import { createRequire } from 'node:module';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';
import type { Config } from './config.js';

/**
 * Process logs, through pino (the logger fastify carries): one JSON object a
 * line on stderr, `{"level":"info","time":"…","msg":"…",…fields}`. Callers
 * pass only redacted values; pino's path redaction is a second net for the
 * fields that could carry a secret if a caller slipped.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** The pino instance underneath (for fastify's `loggerInstance`); absent in a test's fake. */
  readonly pino?: pino.Logger;
}

/** Field names that hold a secret, at the top of a line or one level down. */
const SECRET_FIELD_NAMES = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'client_secret',
  'access_token',
  'refresh_token',
];

/** Field paths whose values are secrets wherever they appear in a log line. */
export const REDACTED_LOG_PATHS: readonly string[] = Object.freeze([
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["proxy-authorization"]',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  ...SECRET_FIELD_NAMES.flatMap((name) => [name, `*.${name}`]),
]);

export interface LoggerDestination {
  /** Where lines go. @defaultValue stderr (synchronously, so nothing is lost at exit) */
  destination?: DestinationStream;
  /** Human-readable, coloured lines (pino-pretty), for `taskrest dev` on a terminal. @defaultValue false */
  pretty?: boolean;
}

export function createLogger(
  config: Pick<Config, 'logLevel'>,
  { destination, pretty = false }: LoggerDestination = {},
): Logger {
  const options: LoggerOptions = {
    level: config.logLevel,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: [...REDACTED_LOG_PATHS], censor: '[REDACTED]' },
  };
  const stream = destination ?? (pretty ? prettyStream() : pino.destination({ fd: 2, sync: true }));
  return wrap(pino(options, stream));
}

function prettyStream(): DestinationStream {
  // Loaded only for `dev` on a terminal: workers and the API never pay for it.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
  return pretty({ colorize: true, destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l' });
}

function wrap(logger: pino.Logger): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>) => {
      if (fields === undefined) logger[level](message);
      else logger[level](fields, message);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    pino: logger,
  };
}
