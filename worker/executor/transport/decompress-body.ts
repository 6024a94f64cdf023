import type { Transform } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

// Like axios: flush what has been decoded even when the body ends early, so
// that a server which cuts the trailer off still yields its content.
const zlibOptions: zlib.ZlibOptions = {
  flush: zlib.constants.Z_SYNC_FLUSH,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};
const brotliOptions: zlib.BrotliOptions = {
  flush: zlib.constants.BROTLI_OPERATION_FLUSH,
  finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH,
};

const gunzip = promisify(zlib.gunzip);
const inflate = promisify(zlib.inflate);
const brotliDecompress = promisify(zlib.brotliDecompress);

// 0x78 is the first byte of every zlib header (CM 8, window ≤ 32 KiB).
const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);

/**
 * Decodes a whole body, off the event loop (zlib's thread pool), stopping
 * as soon as the output passes `maxBytes`: a gzip bomb is never inflated
 * beyond the limit. Rejects with zlib's ERR_BUFFER_TOO_LARGE then.
 */
export type Decoder = (body: Buffer, maxBytes: number) => Promise<Buffer>;

/**
 * The decoder of a Content-Encoding; undefined when there is nothing to
 * decode or the encoding is unknown (the body is then passed on as it came,
 * and the header kept, as axios does).
 */
export function decoderFor(contentEncoding: string | undefined): Decoder | undefined {
  const decode = decoderOf(contentEncoding);
  return (
    decode &&
    ((body, maxBytes) => (body.length === 0 ? Promise.resolve(body) : decode(body, maxBytes)))
  );
}

function decoderOf(contentEncoding: string | undefined): Decoder | undefined {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return (body, maxOutputLength) => gunzip(body, { ...zlibOptions, maxOutputLength });
    case 'deflate':
      // Meant to be zlib-wrapped (RFC 9110), but many servers send raw
      // deflate: as axios does, a raw stream gets a zlib header put in front;
      // its missing checksum is tolerated by the sync finish flush.
      return (body, maxOutputLength) =>
        inflate(body[0] === ZLIB_HEADER[0] ? body : Buffer.concat([ZLIB_HEADER, body]), {
          ...zlibOptions,
          maxOutputLength,
        });
    case 'br':
      return (body, maxOutputLength) =>
        brotliDecompress(body, { ...brotliOptions, maxOutputLength });
    default:
      return undefined;
  }
}

/** What `decodePrefix` gives: the decoded bytes kept, and whether that is not all of them. */
export interface DecodedPrefix {
  readonly data: Buffer;
  /** True when more would have decoded (past `maxBytes`), or the body broke off. */
  readonly cut: boolean;
}

/**
 * The first `maxBytes` of a body decoded, for an answer that is kept only
 * that far (`cutResponse`): a stream decoder stops as soon as it has that
 * much, so the rest is never inflated, and a body cut short or corrupt
 * yields what decoded before it rather than an error. An unknown encoding
 * passes the body on as it came, as `decoderFor` does.
 */
export function decodePrefix(
  contentEncoding: string | undefined,
  body: Buffer,
  maxBytes: number,
): Promise<DecodedPrefix> {
  const decoding = body.length === 0 ? undefined : streamDecoderOf(contentEncoding, body);
  if (!decoding) return Promise.resolve({ data: body, cut: false });
  const { stream, input } = decoding;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (cut: boolean) => {
      stream.destroy();
      resolve({ data: Buffer.concat(chunks).subarray(0, maxBytes), cut: cut || size > maxBytes });
    };
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) done(true);
    });
    stream.once('end', () => done(false));
    stream.once('error', () => done(true));
    stream.end(input);
  });
}

/** A stream decoder of an encoding, and what it is to be fed (a raw deflate body given its header, as above). */
function streamDecoderOf(
  contentEncoding: string | undefined,
  body: Buffer,
): { stream: Transform; input: Buffer } | undefined {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return { stream: zlib.createGunzip(zlibOptions), input: body };
    case 'deflate':
      return {
        stream: zlib.createInflate(zlibOptions),
        input: body[0] === ZLIB_HEADER[0] ? body : Buffer.concat([ZLIB_HEADER, body]),
      };
    case 'br':
      return { stream: zlib.createBrotliDecompress(brotliOptions), input: body };
    default:
      return undefined;
  }
}
