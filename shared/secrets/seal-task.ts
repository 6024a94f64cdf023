import { isSensitiveHeader, isSensitiveParam, REDACTED, redactUrl } from '../redact.js';
import type { KeyRing, SecretKey } from './key-ring.js';
import { open, seal, type SealedBox } from './seal.js';

/**
 * Which task inputs are secrets at rest, and how they travel: the producer
 * moves their values into one sealed box (job envelope `sealed`) and leaves
 * `[REDACTED]` in the task; the worker puts them back before running it.
 *
 * Sealed: values of sensitive headers (Authorization, Cookie, X-Api-Key,
 * anything named like a token, secret, password or key), every cookie,
 * credential-like `params` and `urlencoded` fields (`api_key`,
 * `client_secret`, …), and the URL-ish inputs (`url`, `base_path`,
 * `base_url`, `path`) when they carry user info or credential-like query
 * values. Request bodies (`json`, `text`, `multipart`) are not: taskrest
 * cannot know which of their parts are secret.
 */
interface TaskSecrets {
  headers?: Record<string, unknown>;
  cookies?: Record<string, unknown>;
  params?: Record<string, unknown>;
  urlencoded?: Record<string, unknown>;
  /** Original text of URL-ish inputs. */
  urls?: Record<string, string>;
}

const URL_FIELDS = ['url', 'base_path', 'base_url', 'path'] as const;
const PARAM_FIELDS = ['params', 'urlencoded'] as const;

/** The task to store and its sealed secrets (none when it carries no secret). */
export function sealTask(
  task: object,
  key: SecretKey,
): { task: Record<string, unknown>; sealed?: SealedBox } {
  const stored: Record<string, unknown> = { ...(task as Record<string, unknown>) };
  const secrets: TaskSecrets = {};
  const headers = take(stored.headers, isSensitiveHeader);
  if (headers) [stored.headers, secrets.headers] = headers;
  const cookies = take(stored.cookies, () => true);
  if (cookies) [stored.cookies, secrets.cookies] = cookies;
  for (const field of PARAM_FIELDS) {
    const taken = take(stored[field], isSensitiveParam);
    if (taken) [stored[field], secrets[field]] = taken;
  }
  for (const field of URL_FIELDS) {
    const value = stored[field];
    if (typeof value !== 'string') continue;
    const redacted = redactUrl(value);
    if (redacted === value) continue;
    stored[field] = redacted;
    (secrets.urls ??= {})[field] = value;
  }
  if (Object.keys(secrets).length === 0) return { task: stored };
  return { task: stored, sealed: seal(JSON.stringify(secrets), key) };
}

/**
 * The task with its sealed secrets put back. Throws a SealedDataError when
 * the box cannot be opened (unknown key id, altered data).
 */
export function unsealTask(task: unknown, sealed: unknown, ring: KeyRing): unknown {
  const secrets = JSON.parse(open(sealed, ring)) as TaskSecrets;
  if (!isRecord(task)) return task;
  const out: Record<string, unknown> = { ...task };
  for (const field of ['headers', 'cookies', ...PARAM_FIELDS] as const) {
    const values = secrets[field];
    const current = out[field];
    if (values && isRecord(current)) out[field] = { ...current, ...values };
  }
  for (const [field, value] of Object.entries(secrets.urls ?? {})) out[field] = value;
  return out;
}

/** Splits a name → value map into the stored copy (placeholders) and the taken secrets. */
function take(
  value: unknown,
  isSecret: (name: string) => boolean,
): [Record<string, unknown>, Record<string, unknown>] | null {
  if (!isRecord(value)) return null;
  const names = Object.keys(value).filter(isSecret);
  if (names.length === 0) return null;
  const stored = { ...value };
  const taken: Record<string, unknown> = {};
  for (const name of names) {
    taken[name] = value[name];
    stored[name] = REDACTED;
  }
  return [stored, taken];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
