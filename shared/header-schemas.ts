import { z } from 'zod';

/**
 * The task's header inputs (`headers`, `cookies`) and the header lines a
 * multipart part may set: whatever would split a header, or that HTTP/1.1
 * cannot carry, is refused here with the field named, before a worker sends it.
 */

/** Characters that would split or truncate an HTTP header. */
const HEADER_INJECTION = /[\r\n\0]/;
/** Characters an HTTP/1.1 header value cannot carry. */
const NOT_LATIN1 = /[^\u0000-\u00ff]/;
/** RFC 9110 token: what a header (or cookie) name may consist of. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headerValue = z
  .union([z.string(), z.number(), z.boolean()], {
    error: 'expected a string, number or boolean',
  })
  .refine((v) => !HEADER_INJECTION.test(String(v)), {
    error: 'must not contain CR, LF or NUL',
  })
  // HTTP/1.1 carries header values as bytes; Node sends Latin-1 and refuses the rest.
  .refine((v) => !NOT_LATIN1.test(String(v)), {
    error:
      'must contain only Latin-1 characters (encode others, e.g. percent-encoding or RFC 8187)',
  });

/**
 * Headers that frame the message or the connection: taskrest sets them from
 * the URL and the body, and the transport refuses a caller's own.
 */
export const TRANSPORT_HEADERS = Object.freeze([
  'connection',
  'content-length',
  'expect',
  'host',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

const headerName = z
  .string()
  .regex(TOKEN, { error: "is not a valid header name (letters, digits and !#$%&'*+.^_`|~-)" })
  .refine((name) => !TRANSPORT_HEADERS.includes(name.toLowerCase()), {
    error: 'is set by taskrest from the URL and the body (connection and framing header)',
  });

/** The task's `headers`: names HTTP allows and taskrest does not set itself, values a header can carry. */
export const headersSchema = z.record(headerName, headerValue, {
  error: 'expected an object of header: value',
});

/** The task's `cookies`: each a value that could be a header's, without the separators of a Cookie header. */
export const cookiesSchema = z.record(
  z.string().regex(TOKEN, { error: 'is not a valid cookie name' }),
  headerValue.refine((v) => !/[;,]/.test(String(v)), { error: 'must not contain ; or ,' }),
  { error: 'expected an object of name: value' },
);

/** A value that goes into a part's (or the request's) header line: CR, LF or NUL would split it. */
export const headerLine = (what: string) =>
  z.string({ error: `expected ${what}` }).refine((v) => !HEADER_INJECTION.test(v), {
    error: 'must not contain CR, LF or NUL',
  });
