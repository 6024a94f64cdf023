import type { Context } from '@opentelemetry/api';
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, GenericAbortSignal } from 'axios';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { InvalidTaskError } from '../../shared/errors/invalid-task-error.js';
import { TaskError } from '../../shared/errors/task-error.js';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import type { ParkedExecution, ParkedResponse } from '../../shared/parked-execution.js';
import { parseTask } from '../../shared/parse-task.js';
import { redactUrl } from '../../shared/redact.js';
import type { Task } from '../../shared/task-schema.js';
import { statusClassOf } from '../../shared/worker-metrics.js';
import {
  buildOutput,
  NO_RESPONSE,
  responseFields,
  setCookieLines,
  type ResponseFields,
} from './build-output.js';
import { classifyError, responseOf } from './classify-error.js';
import { ExecutionLog } from './execution-log.js';
import { nextHop, type Hop } from './follow-redirects.js';
import { buildUrl } from './request/build-url.js';
import { ExecutionCookies, mergeCookieHeader } from './request/cookies.js';
import { encodeBody } from './request/encode-body.js';
import type { FileSource, RequestBody } from './request/request-body.js';
import {
  attempts,
  createRetryConfig,
  retryStatusValidator,
  type ParkRules,
  type PlannedPark,
} from './retry-policy.js';
import { transportOptions } from './timeouts.js';

/** Credentials for one execution's request (see Authorizer). */
export interface Credentials {
  /** Headers set on every hop to the task's original origin, and on no other. */
  readonly headers: Record<string, string>;
  /**
   * Called when that origin answers 401: fresh headers (a renewed token); the
   * request is then sent once more with them. Absent: the 401 stands.
   */
  readonly renew?: () => Promise<Record<string, string>>;
}

/**
 * Adds credentials to a task's request (OAuth grants, user tokens) going to
 * `url`. Throws a TaskError to refuse, before anything is sent.
 */
export type Authorizer = (task: Task, url: URL, context: ExecutionContext) => Promise<Credentials>;

/** What the executor works with; the worker hands in the real ones, unit tests fakes. */
export interface ExecutorDeps {
  /** The axios instance (undici adapter, axios-retry attached). */
  readonly http: Pick<AxiosInstance, 'request'>;
  /** The files resource, for multipart file parts. */
  readonly files: FileSource;
  /** Response body limit, after decompression. */
  readonly maxResponseBytes: number;
  /**
   * The outbound policy's check of a hop's URL, run before every hop is sent
   * (IP literals never reach the connect-time DNS check). Throws a TaskError
   * (DESTINATION_DENIED) to refuse. Absent: every destination is allowed.
   */
  readonly checkDestination?: (url: URL) => void;
  /** Credentials for `grant` and `pass_user_token`; without it such tasks fail. */
  readonly authorize?: Authorizer;
  readonly now?: () => number;
}

/** The executor's dependencies when long retry waits park the execution (the worker's). */
export interface ParkingExecutorDeps extends ExecutorDeps {
  readonly parking: ParkRules;
}

/** One execution's identity and controls. */
export interface ExecutionContext {
  readonly executionId: number | string;
  /** Aborts the request in flight (worker shutdown, a lost lock, a cancel). */
  readonly signal?: GenericAbortSignal;
  /** Receives each log line as it happens (the job's BullMQ log). */
  readonly onLog?: (line: string) => void;
  /** Who started the execution (for pass_user_token). */
  readonly user?: string;
  /** The execution's trace context: each attempt's span is its child and the target gets its traceparent. */
  readonly traceContext?: Context;
  /** The parked execution this one goes on with: its log, counts, retry number and deadline. */
  readonly resume?: ParkedExecution;
  /** The queue the execution belongs to (a 429 may hold back that queue). */
  readonly queue?: string;
  /**
   * Headers made afresh for every request sent (first attempt, retries,
   * redirects), given when it goes out (epoch ms): a callback's signature
   * and its timestamp. Never logged, never stored.
   */
  readonly attemptHeaders?: (sendAtMs: number) => Record<string, string>;
}

/** What an execution did, counted as it happened (for metrics; never read back from the log). */
export interface ExecutionCounts {
  /** Requests sent: every hop's first attempt and retries, and the resend after a renewal. */
  readonly attempts: number;
  /** Attempts that were retries (a retry status code or a retryable failure). */
  readonly retries: number;
  /** `2xx` … `5xx` of the final response, `none` when none came (shared/worker-metrics.ts). */
  readonly statusClass: string;
}

/** What an execution produced: the output, its counts, and for status error the classified error. */
export interface ExecutionResult {
  readonly output: TaskOutput;
  readonly counts: ExecutionCounts;
  /** Why the status is error; absent on success. UNEXPECTED_STATUS when a response came but was not expected. */
  readonly error?: TaskError;
}

/**
 * An execution that stopped, without an output, to wait for its next retry
 * outside the worker slot: the worker stores `parked` on the job and delays
 * it until `parked.dueAt` (or, with `holdQueueMs`, holds back the queue).
 */
export interface ParkResult {
  readonly parked: ParkedExecution;
  /** A 429 with Retry-After on a rate-limited queue: no task of the queue is sent for this long. */
  readonly holdQueueMs?: number;
  readonly counts: ExecutionCounts;
}

/** True when the execution parked rather than finished. */
export function isParked(result: ExecutionResult | ParkResult): result is ParkResult {
  return 'parked' in result;
}

/** Set by `send` when a retry wait parks the execution: the request's failure then parks it. */
interface PendingPark {
  plan: PlannedPark | null;
  firstAttemptAt: number;
}

/** A parked execution taken up past its deadline: it ends with the last failure's response. */
class PickupDeadline extends TaskError {
  constructor(
    message: string,
    readonly response: ParkedResponse | null,
  ) {
    super(ErrorCode.DEADLINE_EXCEEDED, message);
  }
}

/** A parked response keeps its text only up to this size (job data stays small). */
const PARKED_TEXT_LIMIT = 16 * 1024;

/** Counts being taken during one execution. */
interface Tally {
  attempts: number;
  retries: number;
}

/**
 * Runs one task: validates it, sends its request (retries and redirects
 * included) and turns what happened into an output. Never throws: every
 * failure becomes an output with status `error` and a one-line message.
 * With `deps.parking`, a retry wait too long for the worker slot ends the
 * run early with a ParkResult instead; `context.resume` goes on with it.
 */
export async function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ParkingExecutorDeps,
): Promise<ExecutionResult | ParkResult>;
export async function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ExecutorDeps,
): Promise<ExecutionResult>;
export async function executeTask(
  input: unknown,
  context: ExecutionContext,
  deps: ExecutorDeps & { parking?: ParkRules },
): Promise<ExecutionResult | ParkResult> {
  const now = deps.now ?? Date.now;
  const { resume } = context;
  const tally: Tally = resume
    ? { attempts: resume.attempts, retries: resume.retries }
    : { attempts: 0, retries: 0 };
  const log = new ExecutionLog(context.onLog, now, resume?.log);
  const cookies = new ExecutionCookies();
  let response: ResponseFields = NO_RESPONSE;
  const pending: PendingPark = { plan: null, firstAttemptAt: 0 };
  const counted = (output: TaskOutput, error?: TaskError): ExecutionResult => ({
    output,
    counts: { ...tally, statusClass: statusClassOf(output.status_code) },
    ...(error ? { error } : {}),
  });
  const finish = async (status: OutputStatus, message: string): Promise<TaskOutput> =>
    buildOutput({
      executionId: context.executionId,
      status,
      message,
      response,
      cookies: cookies.empty ? {} : await cookies.output(),
      log: log.lines,
    });

  try {
    const task = parseTask(input);
    const final = await send(task, context, deps, log, cookies, now, tally, {
      rules: deps.parking,
      pending,
    });
    response = responseFields(final, log);
    const expected = task.expected_status_code.includes(final.status);
    const message = `${describeStatus(final)}${expected ? '' : ` (expected ${task.expected_status_code.join(', ')})`}`;
    if (expected) return counted(await finish(OutputStatus.SUCCESS, message));
    return counted(
      await finish(OutputStatus.ERROR, message),
      new TaskError(ErrorCode.UNEXPECTED_STATUS, message),
    );
  } catch (thrown) {
    if (pending.plan) return parkedResult(pending.plan, pending.firstAttemptAt, log, tally, now);
    if (thrown instanceof PickupDeadline && thrown.response) response = thrown.response;
    const error = thrown instanceof TaskError ? thrown : classifyError(thrown);
    const failed = responseOf(thrown);
    if (failed) {
      response = responseFields(failed, log);
      const url = requestUrlOf(failed);
      if (url) await cookies.store(setCookieLines(failed), url).catch(() => undefined);
    }
    if (!(error instanceof InvalidTaskError)) log.add(`failed: ${error.message}`);
    return counted(await finish(OutputStatus.ERROR, error.message), error);
  }
}

/** The ParkResult of a retry that parks: its log line says until when. */
function parkedResult(
  plan: PlannedPark,
  firstAttemptAt: number,
  log: ExecutionLog,
  tally: Tally,
  now: () => number,
): ParkResult {
  const dueAt = now() + plan.delayMs;
  const where = plan.holdQueue ? 'the queue is held back' : 'parked, the worker slot freed';
  log.add(
    `retry ${plan.retry} in ${(plan.delayMs / 1000).toFixed(1)} s after ${plan.reason}: ` +
      `${where} until ${new Date(dueAt).toISOString()}`,
  );
  const failed = responseOf(plan.error);
  return {
    parked: {
      firstAttemptAt,
      dueAt,
      retry: plan.retry,
      attempts: tally.attempts,
      retries: tally.retries,
      log: [...log.lines],
      lastFailure: plan.failure,
      response: failed ? parkedResponse(responseFields(failed)) : null,
    },
    ...(plan.holdQueue ? { holdQueueMs: plan.delayMs } : {}),
    counts: { ...tally, statusClass: statusClassOf(failed?.status ?? null) },
  };
}

/** A response kept on a parked job: a large text is left out (the job's data stays small). */
function parkedResponse(fields: ResponseFields): ParkedResponse {
  if ((fields.text?.length ?? 0) <= PARKED_TEXT_LIMIT) return fields;
  return { ...fields, text: null };
}

/**
 * Taking up a parked execution: past its deadline it ends (nothing is sent);
 * otherwise the resumed request is the retry that was due. Taken up before
 * it is due, it goes on at once: someone made the job due (BullMQ's
 * `promote`, the dashboard), or a worker died before it could delay it.
 */
function takeUp(
  resume: ParkedExecution,
  task: Task,
  log: ExecutionLog,
  now: () => number,
  tally: Tally,
): void {
  const { deadline } = task.retry_backoff;
  if (now() > resume.firstAttemptAt + deadline * 1000) {
    throw new PickupDeadline(
      `gave up retrying: retry_backoff.deadline (${deadline} s) reached after ` +
        `${attempts(resume.retry)}; last ${resume.lastFailure}`,
      resume.response,
    );
  }
  log.add(`taken up again for retry ${resume.retry}`);
  tally.retries++;
}

async function send(
  task: Task,
  context: ExecutionContext,
  deps: ExecutorDeps,
  log: ExecutionLog,
  cookies: ExecutionCookies,
  now: () => number,
  tally: Tally,
  parking: { rules: ParkRules | undefined; pending: PendingPark },
): Promise<AxiosResponse> {
  const { resume } = context;
  if (resume) takeUp(resume, task, log, now, tally);
  if (task.data !== undefined) log.add('input "data" is deprecated: use "json" for a JSON body');
  const encoded = encodeBody(task, deps.files);
  const body = encoded instanceof Promise ? await encoded : encoded;
  let hop: Hop = {
    url: buildUrl(task),
    method: task.method,
    headers: baseHeaders(task, body),
    withBody: body !== null,
  };
  if (task.cookies) await cookies.seed(task.cookies, hop.url);
  // Before any credentials are fetched for it.
  deps.checkDestination?.(hop.url);
  let checked = hop.url;
  // The authorizer is asked only by a task that wants credentials: the others
  // are spared an async call and its await on every job.
  const credentials =
    deps.authorize && (task.grant || task.pass_user_token)
      ? await deps.authorize(task, hop.url, context)
      : withoutAuthorizer(task);
  let extra = credentials.headers;
  let renew = credentials.renew;
  const credentialOrigin = hop.url.origin;
  const startedAt = resume?.firstAttemptAt ?? now();
  parking.pending.firstAttemptAt = startedAt;
  // Set when retrying stopped at the deadline: the failure then says so.
  let gaveUp: string | null = null;
  // Only the first hop parks: a redirect's target and its headers are not carried over.
  let firstHop = true;
  // The resumed request is that retry: later ones of its hop count on from there.
  const numbering = { base: resume?.retry ?? 0 };
  const retry = createRetryConfig(
    task,
    startedAt,
    {
      onRetry: (n, delayMs, reason) => {
        tally.retries++;
        tally.attempts++;
        log.add(`retry ${n} in ${(delayMs / 1000).toFixed(1)} s after ${reason}`);
      },
      onDeadline: (message) => {
        gaveUp = message;
      },
      rebuildBody: () => (hop.withBody ? body?.create() : undefined),
      ...(context.attemptHeaders
        ? { attemptHeaders: (delayMs: number) => context.attemptHeaders!(now() + delayMs) }
        : {}),
      onPark: (plan) => {
        if (!firstHop) return false;
        parking.pending.plan = plan;
        return true;
      },
    },
    now,
    parking.rules,
    numbering,
    context.queue,
  );
  const validateStatus = retryStatusValidator(task);

  const sendHop = async (): Promise<AxiosResponse<Buffer>> => {
    // Every hop, redirects included: the redirect target is checked here, not trusted.
    if (hop.url !== checked) {
      deps.checkDestination?.(hop.url);
      checked = hop.url;
    }
    const own = {
      ...(hop.url.origin === credentialOrigin ? { ...hop.headers, ...extra } : hop.headers),
      ...context.attemptHeaders?.(now()),
    };
    const headers = cookies.empty ? own : await withCookies(own, hop.url, cookies);
    const config: AxiosRequestConfig = {
      url: hop.url.toString(),
      method: hop.method,
      headers,
      data: hop.withBody ? body?.create() : undefined,
      signal: context.signal,
      taskrest: transportOptions(task, deps.maxResponseBytes),
      validateStatus,
      'axios-retry': retry,
      ...(context.traceContext ? { traceContext: context.traceContext } : {}),
    };
    log.add(`${hop.method.toUpperCase()} ${redactUrl(hop.url)}`);
    tally.attempts++;
    const response = await deps.http
      .request<Buffer>(config)
      .catch((err: unknown) => {
        throw gaveUp === null
          ? err
          : new TaskError(ErrorCode.DEADLINE_EXCEEDED, gaveUp, { cause: err });
      })
      .finally(() => {
        numbering.base = 0;
      });
    log.add(`response ${describeStatus(response)}`);
    const setCookies = setCookieLines(response);
    if (setCookies.length > 0) await cookies.store(setCookies, hop.url);
    return response;
  };

  for (let redirects = 0; ; redirects++) {
    let response = await sendHop().catch((error: unknown) => {
      if (redirects > 0) logRefusedRedirect(error, log);
      throw error;
    });
    if (response.status === 401 && renew && hop.url.origin === credentialOrigin) {
      // An expired or revoked token: renewed once, never in a loop.
      log.add('credentials refused: renewing them and sending once more');
      extra = await renew();
      renew = undefined;
      response = await sendHop();
    }
    const next = task.allow_redirects
      ? nextHop(hop, response, redirects, task.max_redirects)
      : null;
    if (!next) return response;
    log.add(`redirect ${response.status} to ${redactUrl(next.url)}`);
    if (next.url.origin !== hop.url.origin) await cookies.forgetTaskCookies();
    hop = next;
    firstHop = false;
  }
}

/**
 * A redirect the outbound policy refuses (by its URL, or at connect time by
 * the address its name resolves to) is not followed: the log says so and why.
 */
function logRefusedRedirect(error: unknown, log: ExecutionLog): void {
  const classified = error instanceof TaskError ? error : classifyError(error);
  if (classified.code === ErrorCode.DESTINATION_DENIED) {
    log.add(`redirect not followed: ${classified.message}`);
  }
}

/** No credentials: none asked for, or (without an authorizer, unit tests) refused rather than gone without. */
function withoutAuthorizer(task: Task): Credentials {
  if (task.grant) {
    throw new TaskError(ErrorCode.GRANT, `grant "${task.grant}" is not configured (GRANTS_FILE)`);
  }
  if (task.pass_user_token) {
    throw new TaskError(ErrorCode.USER_TOKEN, 'pass_user_token: user tokens are not configured');
  }
  return { headers: {} };
}

function baseHeaders(task: Task, body: RequestBody | null): Record<string, string> {
  const headers: Record<string, string> = { ...(body?.headers ?? {}) };
  for (const [name, value] of Object.entries(task.headers ?? {})) {
    // The task's own header replaces the body's default of the same name.
    for (const existing of Object.keys(headers)) {
      if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    }
    headers[name] = String(value);
  }
  return headers;
}

/**
 * The hop's headers with the jar's cookies for its URL after the task's own
 * Cookie header (which already went away on a change of origin).
 */
async function withCookies(
  headers: Record<string, string>,
  url: URL,
  cookies: ExecutionCookies,
): Promise<Record<string, string>> {
  const jar = await cookies.header(url);
  if (!jar) return headers;
  const out = { ...headers };
  const existing = Object.keys(out).find((n) => n.toLowerCase() === 'cookie');
  const own = existing ? out[existing] : undefined;
  if (existing) delete out[existing];
  out.Cookie = mergeCookieHeader(own, await cookies.names(url), jar);
  return out;
}

/** The URL a failed response answered (for its Set-Cookie lines). */
function requestUrlOf(response: AxiosResponse): URL | null {
  try {
    return response.config.url ? new URL(response.config.url) : null;
  } catch {
    return null;
  }
}

function describeStatus(response: AxiosResponse): string {
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}
