import type { IncomingHttpHeaders } from 'node:http';
import { AxiosHeaders } from 'axios';

/**
 * The response headers as axios' Node adapter gives them: lower-case names,
 * `set-cookie` always an array, other repeated headers joined with ", ".
 * After decoding, Content-Encoding and Content-Length describe bytes that are
 * gone, so they are dropped.
 */
export function toResponseHeaders(raw: IncomingHttpHeaders, decoded: boolean): AxiosHeaders {
  const headers = new AxiosHeaders();
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (decoded && (name === 'content-encoding' || name === 'content-length')) continue;
    if (name === 'set-cookie') headers.set(name, Array.isArray(value) ? value : [value]);
    else headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}
