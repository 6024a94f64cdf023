import { Transform, type TransformCallback } from 'node:stream';
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

/**
 * The streams that decode a body sent with this Content-Encoding, or null
 * when there is nothing to decode or the encoding is unknown (the body is then
 * passed on as it came, and the header kept, as axios does).
 */
export function createDecoders(contentEncoding: string | undefined): Transform[] | null {
  switch (contentEncoding?.trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return [zlib.createGunzip(zlibOptions)];
    case 'deflate':
      return [new ZlibHeaderFiller(), zlib.createInflate(zlibOptions)];
    case 'br':
      return [zlib.createBrotliDecompress(brotliOptions)];
    default:
      return null;
  }
}

/**
 * `deflate` is meant to be zlib-wrapped (RFC 9110) but many servers send raw
 * deflate. As axios does, a raw stream gets a zlib header put in front; its
 * missing checksum is tolerated by the sync finish flush.
 */
class ZlibHeaderFiller extends Transform {
  private seenFirst = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (!this.seenFirst && chunk.length > 0) {
      this.seenFirst = true;
      // 0x78 is the first byte of every zlib header (CM 8, window ≤ 32 KiB).
      if (chunk[0] !== 0x78) this.push(Buffer.from([0x78, 0x9c]));
    }
    callback(null, chunk);
  }
}
