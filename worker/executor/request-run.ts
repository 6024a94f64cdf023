import type { AxiosResponse } from 'axios';
import type { IAxiosRetryConfig } from 'axios-retry';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { InvalidTaskError } from '../../shared/errors/invalid-task-error.js';
import { TaskError } from '../../shared/errors/task-error.js';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { parseTask } from '../../shared/parse-task.js';
import { redactUrl } from '../../shared/redact.js';
import type { Task } from '../../shared/task-schema.js';
import { statusClassOf } from '../../shared/worker-metrics.js';
import {
  buildOutput,
  describeStatus,
  NO_RESPONSE,
  requestUrlOf,
  responseFields,
  setCookieLines,
  type ResponseFields,
} from './build-output.js';
import { classifyError, responseOf } from './classify-error.js';
import type { ExecutionContext } from './execution-context.js';
import { ExecutionLog } from './execution-log.js';
import type { ExecutionResult, ParkResult, RequestTarget } from './execution-result.js';
import { withoutAuthorizer } from './credentials.js';
import type { ExecutorDeps } from './executor-deps.js';
import { nextHop, refusedRedirectLine, type Hop } from './follow-redirects.js';
import { GateHeldError } from './gate/gate-held-error.js';
import type { HeldSoFar } from './gate/held-execution.js';
import { RunGate } from './gate/run-gate.js';
import { parkResult, takeUp, PickupDeadline } from './parking.js';
import { requestConfigOf } from './request-config.js';
import { buildUrl } from '../../shared/task-url.js';
import { ExecutionCookies } from './request/cookies.js';
import { encodeBody } from './request/encode-body.js';
import { baseHeaders, requestHeaders, type HopCredentials } from './request/hop-headers.js';
import type { RequestBody } from './request/request-body.js';
import { RetryNumbering } from './retry-numbering.js';
import {
  createRetryConfig,
  retryStatusValidator,
  type ParkRules,
  type PlannedPark,
  type RetryEvents,
} from './retry-policy.js';
import { TimeLimit } from './time-limit.js';
import { bodyCutLine } from './transport/body-cut.js';

/** The credentials of a run without any (and of every run until it has them). */
const NO_CREDENTIALS: HopCredentials = Object.freeze({ origin: null, headers: Object.freeze({}) });

/**
 * One execution of a task, from its input to its result: the request sent
 * hop by hop (taskrest follows redirects itself, each hop checked against the
 * outbound policy), each request retried by axios-retry as the retry policy
 * decides, sent once more after a refused credential is renewed; then the
 * output, or a ParkResult when a retry wait parks the execution.
 *
 * Everything that changes while it runs is one of its fields, read and set
 * by its steps alone; the retry policy reaches it only through the
 * RetryEvents methods, handed the run itself. It is the one object an
 * execution allocates for its state: its steps are methods, not closures
 * made per execution around shared variables.
 */
export class RequestRun implements RetryEvents {
  readonly #context: ExecutionContext;
  readonly #deps: ExecutorDeps;
  readonly #parking: ParkRules | undefined;
  readonly #now: () => number;
  readonly #log: ExecutionLog;
  readonly #cookies = new ExecutionCookies();
  readonly #numbering: RetryNumbering;
  /** Requests sent (first attempts, retries, the resend after a renewal) and retries among them. */
  #attempts: number;
  #retries: number;
  /** The body the hop in flight carries: null without one, or once a redirect dropped it. */
  #body: RequestBody | null = null;
  /** Redirects followed so far. */
  #redirects = 0;
  /** The last URL the outbound policy allowed: a hop sent again is not checked again. */
  #checked: URL | null = null;
  // Set by #start, before the first hop goes out.
  /** The task's origin: its credentials go to it and to no other. */
  #credentials: HopCredentials = NO_CREDENTIALS;
  /** Renews the credentials once, on the first 401 of their origin. */
  #renew: (() => Promise<Record<string, string>>) | undefined;
  /** Made once, for every request of the run. */
  #retry: IAxiosRetryConfig | undefined;
  #validateStatus: ((status: number) => boolean) | undefined;
  /** When the first attempt started (a resumed execution's own): the deadline counts from it. */
  #firstAttemptAt = 0;
  /** Set when retrying stopped at the deadline: the failure then says so. */
  #gaveUp: string | null = null;
  /** Set when a retry wait parks the execution: the request's failure then parks it. */
  #park: PlannedPark | null = null;
  /** The response the output shows: the final one, or the failed one. */
  #response: ResponseFields = NO_RESPONSE;
  /** The first hop's method and URL, once the task had them (the history records them). */
  #request: RequestTarget | null = null;
  /** TASKREST_MAX_TASK_SECONDS for this stretch; its signal is the requests' (absent: the caller's). */
  #timeLimit: TimeLimit | undefined;
  /** The run's way through the destinations' gate (absent: no gate). */
  readonly #gate: RunGate | undefined;

  /** `parking`: when a retry wait is too long for the worker slot (absent: every wait is slept). */
  constructor(context: ExecutionContext, deps: ExecutorDeps & { parking?: ParkRules }) {
    const { resume } = context;
    this.#context = context;
    this.#deps = deps;
    this.#parking = deps.parking;
    this.#now = deps.now ?? Date.now;
    this.#log = new ExecutionLog(context.onLog, this.#now, resume?.log);
    // The resumed request is the retry that was due: later ones of its hop count on from there.
    this.#numbering = new RetryNumbering(resume?.retry ?? 0);
    this.#attempts = resume?.attempts ?? 0;
    this.#retries = resume?.retries ?? 0;
    this.#gate = deps.gate ? new RunGate(deps.gate, context) : undefined;
  }

  /**
   * Runs the task given as `input` and turns what happened into its result.
   * Never throws: every failure becomes an output with status `error`.
   */
  async execute(input: unknown): Promise<ExecutionResult | ParkResult> {
    const { timeLimitMs } = this.#deps;
    this.#timeLimit = timeLimitMs ? new TimeLimit(timeLimitMs, this.#context.signal) : undefined;
    try {
      const task = parseTask(input);
      return await this.#completed(task, await this.#send(task));
    } catch (thrown) {
      if (this.#park) return this.#parked(this.#park);
      const held = thrown instanceof GateHeldError ? this.#gate?.parked(this.#soFar()) : null;
      if (held) return held;
      // Cut at the limit: whatever the cut request rejected with, the limit is why.
      return this.#failed(this.#timeLimit?.reached ? this.#timeLimit.error(thrown) : thrown);
    } finally {
      this.#timeLimit?.end();
    }
  }

  /** The request, from its first hop to the final response (redirects followed). */
  async #send(task: Task): Promise<AxiosResponse> {
    let hop = await this.#start(task);
    for (;;) {
      let response: AxiosResponse;
      try {
        response = await this.#sendHop(task, hop);
      } catch (error) {
        if (error instanceof GateHeldError && this.#gate) {
          // Parks (throws) on the first hop; a redirect's hop waits, then goes again.
          await this.#gate.hold(error, {
            task,
            firstAttemptAt: this.#firstAttemptAt,
            canPark: this.#parking !== undefined && this.#redirects === 0,
            now: this.#now(),
            log: this.#log,
            signal: this.#timeLimit?.signal ?? this.#context.signal,
          });
          continue;
        }
        const refused = this.#redirects > 0 ? refusedRedirectLine(error) : null;
        if (refused) this.#log.add(refused);
        throw error;
      }
      if (response.status === 401 && this.#renew && hop.url.origin === this.#credentials.origin) {
        response = await this.#renewAndResend(task, hop, this.#renew);
      }
      const next = task.allow_redirects
        ? nextHop(hop, response, this.#redirects, task.max_redirects)
        : null;
      if (!next) return response;
      await this.#redirect(hop, next, response.status);
      hop = next;
    }
  }

  /**
   * Everything before the first hop is sent: a parked execution is taken up,
   * the body encoded, the task's cookies seeded, the destination checked and
   * credentials fetched. Returns the first hop.
   */
  async #start(task: Task): Promise<Hop> {
    const { resume } = this.#context;
    if (resume) {
      if (takeUp(resume, task, this.#now(), this.#log)) this.#retries++;
    } else {
      // Once per execution: a resumed one's log has the lines already.
      for (const note of this.#timeLimit?.notesFor(task) ?? []) this.#log.add(note);
    }
    if (task.data !== undefined) {
      this.#log.add('input "data" is deprecated: use "json" for a JSON body');
    }
    const encoded = encodeBody(task, this.#deps.files);
    const body = encoded instanceof Promise ? await encoded : encoded;
    this.#body = body;
    const hop: Hop = {
      url: buildUrl(task),
      method: task.method,
      headers: baseHeaders(task, body),
      withBody: body !== null,
    };
    this.#request = { method: hop.method, url: hop.url };
    if (task.cookies) await this.#cookies.seed(task.cookies, hop.url);
    // Before any credentials are fetched for it.
    this.#deps.checkDestination?.(hop.url);
    this.#checked = hop.url;
    // The authorizer is asked only by a task that wants credentials: the others
    // are spared an async call and its await on every job.
    const credentials =
      this.#deps.authorize && (task.grant || task.pass_user_token)
        ? await this.#deps.authorize(task, hop.url, this.#context)
        : withoutAuthorizer(task);
    this.#credentials = { origin: hop.url.origin, headers: credentials.headers };
    this.#renew = credentials.renew;
    this.#firstAttemptAt = resume?.firstAttemptAt ?? this.#now();
    this.#retry = createRetryConfig({
      task,
      startedAt: this.#firstAttemptAt,
      events: this,
      now: this.#now,
      park: this.#parking,
      numbering: this.#numbering,
      ...(this.#context.idempotent ? { idempotent: true } : {}),
    });
    this.#validateStatus = retryStatusValidator(task);
    return hop;
  }

  /** Sends one hop (its retries included) and stores the cookies its response sets. */
  async #sendHop(task: Task, hop: Hop): Promise<AxiosResponse<Buffer>> {
    // Every hop, redirects included: the redirect target is checked here, not trusted.
    if (hop.url !== this.#checked) {
      this.#deps.checkDestination?.(hop.url);
      this.#checked = hop.url;
    }
    const fresh = this.#context.attemptHeaders?.(this.#now());
    const made = requestHeaders(hop, this.#credentials, fresh, this.#cookies);
    const headers = made instanceof Promise ? await made : made;
    const config = requestConfigOf(hop, {
      task,
      context: this.#context,
      headers,
      body: this.#body,
      signal: this.#timeLimit?.signal ?? this.#context.signal,
      maxResponseBytes: this.#deps.maxResponseBytes,
      validateStatus: this.#validateStatus,
      retry: this.#retry,
      hopGate: this.#gate?.of(task, hop),
    });
    this.#log.add(`${hop.method.toUpperCase()} ${redactUrl(hop.url)}`);
    this.#attempts++;
    let response: AxiosResponse<Buffer>;
    try {
      response = await this.#deps.http.request<Buffer>(config);
    } catch (error) {
      if (error instanceof GateHeldError) throw this.#unsent(error);
      throw this.#gaveUp === null
        ? error
        : new TaskError(ErrorCode.DEADLINE_EXCEEDED, this.#gaveUp, { cause: error });
    } finally {
      this.#numbering.requestEnded();
    }
    this.#log.add(`response ${describeStatus(response)}`);
    const cut = bodyCutLine(response);
    if (cut) this.#log.add(cut);
    const setCookies = setCookieLines(response);
    if (setCookies.length > 0) await this.#cookies.store(setCookies, hop.url);
    return response;
  }

  /**
   * A request the gate held was not sent: its attempt (and, for a retry, the
   * retry) is taken back, and the retry it owes is noted.
   */
  #unsent(held: GateHeldError): GateHeldError {
    // The retry it owes: a resumed run's first request is the retry it was taken up for.
    const due = this.#numbering.retry(held.retryCount);
    this.#attempts--;
    if (due > 0) this.#retries--;
    held.dueRetry = due;
    return held;
  }

  /** An expired or revoked token: renewed once, never in a loop, and the hop sent once more. */
  async #renewAndResend(
    task: Task,
    hop: Hop,
    renew: () => Promise<Record<string, string>>,
  ): Promise<AxiosResponse> {
    this.#log.add('credentials refused: renewing them and sending once more');
    this.#credentials = { ...this.#credentials, headers: await renew() };
    this.#renew = undefined;
    return this.#sendHop(task, hop);
  }

  /** Moves on from `hop` to the redirect's `next` hop. */
  async #redirect(hop: Hop, next: Hop, status: number): Promise<void> {
    this.#log.add(`redirect ${status} to ${redactUrl(next.url)}`);
    if (next.url.origin !== hop.url.origin) await this.#cookies.forgetTaskCookies();
    if (!next.withBody) this.#body = null;
    this.#redirects++;
  }

  /** The final response came: success when its status is expected, else an error. */
  async #completed(task: Task, final: AxiosResponse): Promise<ExecutionResult> {
    this.#response = responseFields(final, this.#log);
    const expected = task.expected_status_code.includes(final.status);
    const message = `${describeStatus(final)}${expected ? '' : ` (expected ${task.expected_status_code.join(', ')})`}`;
    if (expected) return this.#result(await this.#output(OutputStatus.SUCCESS, message));
    return this.#result(
      await this.#output(OutputStatus.ERROR, message),
      new TaskError(ErrorCode.UNEXPECTED_STATUS, message),
    );
  }

  /** The run failed: an output with status `error`, the failed response's if one came. */
  async #failed(thrown: unknown): Promise<ExecutionResult> {
    if (thrown instanceof PickupDeadline && thrown.response) this.#response = thrown.response;
    const error = thrown instanceof TaskError ? thrown : classifyError(thrown);
    const failed = responseOf(thrown);
    if (failed) {
      const cut = bodyCutLine(failed);
      if (cut) this.#log.add(cut);
      this.#response = responseFields(failed, this.#log);
      const url = requestUrlOf(failed);
      if (url) await this.#cookies.store(setCookieLines(failed), url).catch(() => undefined);
    }
    if (!(error instanceof InvalidTaskError)) this.#log.add(`failed: ${error.message}`);
    return this.#result(await this.#output(OutputStatus.ERROR, error.message), error);
  }

  #parked(plan: PlannedPark): ParkResult {
    return parkResult(plan, this.#soFar(), this.#now());
  }

  /** What a park keeps of the execution so far (a held one: the response it was retrying). */
  #soFar(): HeldSoFar {
    return {
      firstAttemptAt: this.#firstAttemptAt,
      attempts: this.#attempts,
      retries: this.#retries,
      log: this.#log,
      response: this.#context.resume?.response ?? null,
    };
  }

  async #output(status: OutputStatus, message: string): Promise<TaskOutput> {
    return buildOutput({
      executionId: this.#context.executionId,
      status,
      message,
      response: this.#response,
      cookies: this.#cookies.empty ? {} : await this.#cookies.output(),
      log: this.#log.lines,
    });
  }

  #result(output: TaskOutput, error?: TaskError): ExecutionResult {
    return {
      output,
      request: this.#request,
      counts: {
        attempts: this.#attempts,
        retries: this.#retries,
        statusClass: statusClassOf(output.status_code),
      },
      ...(error ? { error } : {}),
    };
  }

  // RetryEvents: what the retry policy tells the run while a request is in flight.

  /** A retry is about to be sent: counted and logged. */
  onRetry(retry: number, delayMs: number, reason: string): void {
    this.#retries++;
    this.#attempts++;
    this.#log.add(`retry ${retry} in ${(delayMs / 1000).toFixed(1)} s after ${reason}`);
  }

  /** Retrying stopped at the deadline: the request's failure says so. */
  onDeadline(message: string): void {
    this.#gaveUp = message;
  }

  /** A fresh body for the retry (a stream cannot be sent twice). */
  rebuildBody(): ReturnType<RequestBody['create']> | undefined {
    return this.#body?.create();
  }

  /** The execution's headers made afresh for a retry sent after `delayMs`. */
  attemptHeaders(delayMs: number): Record<string, string> | undefined {
    return this.#context.attemptHeaders?.(this.#now() + delayMs);
  }

  /** Only the first hop parks: a redirect's target and its headers are not carried over. */
  onPark(plan: PlannedPark): boolean {
    if (this.#redirects > 0) return false;
    this.#park = plan;
    return true;
  }
}
