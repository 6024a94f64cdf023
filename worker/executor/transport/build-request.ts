import { PassThrough, Readable } from 'node:stream';
import axios, { AxiosError, AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { requestUrl } from './axios-url-helpers.js';

/** The body forms undici sends as they are. */
export type RequestBodyData = string | Buffer | Uint8Array | Readable | null;

/** An axios request config turned into what `Dispatcher.request` takes. */
export interface UndiciRequest {
  origin: string;
  /** Path and query string. */
  path: string;
  method: string;
  headers: Record<string, string | string[]>;
  body: RequestBodyData;
}

/** What the adapter tells about a request on responses and errors: never the headers. */
export interface RequestSummary {
  method: string;
  origin: string;
  path: string;
}

const ACCEPT_ENCODING = 'gzip, deflate, br';

/**
 * Builds the request as axios' Node adapter would: URL from `baseURL`, `url`,
 * `params` and `paramsSerializer` (axios' own helpers), `auth` and URL
 * credentials as Basic authorization, axios' default User-Agent and
 * Accept-Encoding unless set, and a form-data body's multipart headers.
 */
export async function buildRequest(config: InternalAxiosRequestConfig): Promise<UndiciRequest> {
  const url = parseUrl(config);
  const headers = AxiosHeaders.from(config.headers);
  headers.set('User-Agent', `axios/${axios.VERSION}`, false);
  headers.set('Accept-Encoding', ACCEPT_ENCODING, false);

  const auth = config.auth ?? urlCredentials(url);
  if (auth) {
    const token = Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64');
    headers.set('Authorization', `Basic ${token}`);
  }

  const body = await toBody(config.data, headers, config);
  return {
    origin: url.origin,
    path: url.pathname + url.search,
    method: (config.method ?? 'get').toUpperCase(),
    headers: toPlainHeaders(headers),
    body,
  };
}

function parseUrl(config: InternalAxiosRequestConfig): URL {
  let url: URL;
  try {
    url = new URL(requestUrl(config));
  } catch (err) {
    throw AxiosError.from(err, AxiosError.ERR_INVALID_URL, config);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AxiosError(
      `Unsupported protocol ${url.protocol}`,
      AxiosError.ERR_BAD_REQUEST,
      config,
    );
  }
  return url;
}

function urlCredentials(url: URL): { username: string; password: string } | null {
  if (!url.username && !url.password) return null;
  return {
    username: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

function toPlainHeaders(headers: AxiosHeaders): Record<string, string | string[]> {
  const plain: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers.toJSON())) {
    if (value === undefined || value === null) continue;
    plain[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return plain;
}

/** form-data's FormData: a legacy stream that knows its headers and, mostly, its length. */
interface FormDataLike {
  getHeaders(): Record<string, string>;
  getLength(callback: (err: Error | null, length: number) => void): void;
  pipe(destination: NodeJS.WritableStream): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

async function toBody(
  data: unknown,
  headers: AxiosHeaders,
  config: InternalAxiosRequestConfig,
): Promise<RequestBodyData> {
  if (data === undefined || data === null) return null;
  if (typeof data === 'string' || data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  if (data instanceof URLSearchParams) {
    headers.setContentType('application/x-www-form-urlencoded;charset=utf-8', false);
    return data.toString();
  }
  if (isFormData(data)) {
    headers.set(data.getHeaders());
    if (!headers.hasContentLength()) {
      const length = await knownLength(data);
      if (length !== null) headers.setContentLength(length);
    }
    return toReadable(data);
  }
  if (data instanceof Readable) return data;
  if (isStreamLike(data)) return toReadable(data);
  throw new AxiosError(
    'Data after transformation must be a string, an ArrayBuffer, a Buffer, or a Stream',
    AxiosError.ERR_BAD_REQUEST,
    config,
  );
}

function isStreamLike(data: unknown): data is Pick<FormDataLike, 'pipe' | 'on'> {
  const candidate = data as Partial<FormDataLike>;
  return typeof candidate.pipe === 'function' && typeof candidate.on === 'function';
}

function isFormData(data: unknown): data is FormDataLike {
  const candidate = data as Partial<FormDataLike>;
  return (
    isStreamLike(data) &&
    typeof candidate.getHeaders === 'function' &&
    typeof candidate.getLength === 'function'
  );
}

function knownLength(form: FormDataLike): Promise<number | null> {
  return new Promise((resolve) => {
    // form-data cannot measure arbitrary streams: then the body goes chunked.
    form.getLength((err, length) => resolve(err || !Number.isFinite(length) ? null : length));
  });
}

/** undici wants a real Readable; legacy streams (form-data's) are piped through one. */
function toReadable(stream: Pick<FormDataLike, 'pipe' | 'on'>): Readable {
  if (stream instanceof Readable) return stream;
  const through = new PassThrough();
  stream.on('error', (err) => through.destroy(err instanceof Error ? err : new Error(String(err))));
  stream.pipe(through);
  return through;
}
