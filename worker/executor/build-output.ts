import type { AxiosResponse } from 'axios';
import { OutputStatus, type TaskOutput } from '../../shared/output.js';
import { redactHeaderValue } from '../../shared/redact.js';
import { decodeBody } from './response/decode-body.js';

/** The parts of the output that come from the final response. */
export type ResponseFields = Pick<TaskOutput, 'status_code' | 'headers' | 'text' | 'encoding'>;

export const NO_RESPONSE: ResponseFields = Object.freeze({
  status_code: null,
  headers: {},
  text: null,
  encoding: null,
});

/**
 * Status code, headers (credentials redacted) and decoded text of a
 * response; `json` is added by the output's readers (shared/output-json.ts).
 * `log` hears why `json` will be absent, when the text is too deep for it.
 */
export function responseFields(
  response: AxiosResponse,
  log?: { add(message: string): void },
): ResponseFields {
  const entries: [string, string][] = [];
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
    if (value == null) continue;
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.map(headerText).join(', ') : headerText(value);
    if (lower === 'content-type') contentType = text;
    // Credentials redacted as they are copied (shared/redact.ts).
    entries.push([lower, redactHeaderValue(lower, text)]);
  }
  // fromEntries defines own properties: a header named __proto__ stays a header.
  const headers: Record<string, string> = Object.fromEntries(entries);
  const body = toBuffer(response.data);
  const decoded = decodeBody(body, contentType);
  if (decoded.jsonOmitted) log?.add(decoded.jsonOmitted);
  return {
    status_code: response.status,
    headers,
    text: decoded.text,
    encoding: decoded.encoding,
  };
}

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(typeof data === 'string' ? data : '');
}

/** Set-Cookie lines of a response, as a list. */
export function setCookieLines(response: AxiosResponse): string[] {
  const value = (response.headers as Record<string, unknown>)['set-cookie'];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** The URL a failed response answered (for its Set-Cookie lines). */
export function requestUrlOf(response: AxiosResponse): URL | null {
  try {
    return response.config.url ? new URL(response.config.url) : null;
  } catch {
    return null;
  }
}

/** "HTTP 200 OK": a response's status, as the log and the output's message give it. */
export function describeStatus(response: AxiosResponse): string {
  return `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

/** Assembles the output as stored (without `json`, see shared/output-json.ts), keeping the connector's key order. */
export function buildOutput(parts: {
  executionId: number | string;
  status: OutputStatus;
  message: string;
  response: ResponseFields;
  cookies: Record<string, string>;
  log: string[];
}): TaskOutput {
  const { response } = parts;
  return {
    execution_id: parts.executionId,
    status: parts.status,
    message: parts.message,
    status_code: response.status_code,
    headers: response.headers,
    text: response.text,
    cookies: parts.cookies,
    encoding: response.encoding,
    log: parts.log,
  };
}

export { OutputStatus };
