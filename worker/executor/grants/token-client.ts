import type { AxiosInstance, AxiosResponse } from 'axios';
import { z } from 'zod';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import { redactUrl } from '../../../shared/redact.js';
import { classifyError } from '../classify-error.js';
import type { TransportOptions } from '../transport/transport-options.js';
import type { Grant } from './grants-file.js';

/** What a token endpoint granted. */
export interface GrantedToken {
  readonly accessToken: string;
  /** Lifetime in seconds as the server gave it (`expires_in`), or undefined. */
  readonly expiresInS: number | undefined;
  /** A new refresh token, when the server rotates them. */
  readonly refreshToken: string | undefined;
}

const TOKEN_REQUEST: TransportOptions = {
  connectTimeoutMs: 10_000,
  readTimeoutMs: 20_000,
  totalTimeoutMs: 25_000,
  maxResponseBytes: 1024 * 1024,
  tls: { rejectUnauthorized: true },
};

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
});

/**
 * Asks a grant's token endpoint for an access token (RFC 6749 4.4 client
 * credentials, 6 refresh): a form-encoded POST, the client authenticated with
 * HTTP Basic (or in the body with `client_auth: "body"`). Failures are
 * TaskErrors with code GRANT whose message names the grant, the endpoint and
 * the OAuth error code, never a secret or the response body.
 */
export async function requestToken(
  http: Pick<AxiosInstance, 'request'>,
  name: string,
  grant: Grant,
  refreshToken: string | undefined,
): Promise<GrantedToken> {
  const form = new URLSearchParams({ grant_type: grant.type });
  if (grant.type === 'refresh_token')
    form.set('refresh_token', refreshToken ?? grant.refresh_token ?? '');
  if (grant.scope) form.set('scope', grant.scope);
  if (grant.audience) form.set('audience', grant.audience);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (grant.client_auth === 'basic') {
    // RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
    const pair = `${formEncode(grant.client_id)}:${formEncode(grant.client_secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  } else {
    form.set('client_id', grant.client_id);
    form.set('client_secret', grant.client_secret);
  }
  const where = `grant "${name}": token endpoint ${redactUrl(grant.token_url)}`;
  let response: AxiosResponse<Buffer>;
  try {
    response = await http.request<Buffer>({
      url: grant.token_url,
      method: 'post',
      headers,
      data: form.toString(),
      taskrest: TOKEN_REQUEST,
      'axios-retry': { retries: 0 },
    });
  } catch (error) {
    throw new TaskError(ErrorCode.GRANT, `${where} failed: ${classifyError(error).message}`);
  }
  const body = parseJson(response.data);
  if (response.status < 200 || response.status > 299) {
    const code = oauthErrorCode(body);
    throw new TaskError(
      ErrorCode.GRANT,
      `${where} answered HTTP ${response.status}${code ? ` (${code})` : ''}`,
    );
  }
  const parsed = tokenResponse.safeParse(body);
  if (!parsed.success) throw new TaskError(ErrorCode.GRANT, `${where} gave no access token`);
  const tokenType = parsed.data.token_type;
  if (tokenType !== undefined && tokenType.toLowerCase() !== 'bearer') {
    throw new TaskError(
      ErrorCode.GRANT,
      `${where} gave a token of type "${safe(tokenType)}", not Bearer`,
    );
  }
  return {
    accessToken: parsed.data.access_token,
    expiresInS: parsed.data.expires_in,
    refreshToken: parsed.data.refresh_token,
  };
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(data: unknown): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : String(data));
  } catch {
    return undefined;
  }
}

/** The OAuth `error` code (RFC 6749 5.2), when it looks like one: it names the problem, never a secret. */
function oauthErrorCode(body: unknown): string | undefined {
  const code = (body as { error?: unknown } | undefined)?.error;
  return typeof code === 'string' && /^[\w.-]{1,64}$/.test(code) ? code : undefined;
}

function safe(text: string): string {
  return /^[\w.-]{1,32}$/.test(text) ? text : '?';
}
