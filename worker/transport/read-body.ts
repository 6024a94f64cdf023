import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createDecoders } from './decompress-body.js';
import { TransportError, TransportErrorCode } from './transport-error.js';

export interface ReadBodyOptions {
  /** The response's Content-Encoding; null to take the bytes as they come. */
  contentEncoding: string | null;
  /** Largest body accepted, counted after decoding. */
  maxBytes: number;
  /** The Content-Length header: an undecoded body that announces too much is refused unread. */
  declaredLength: string | undefined;
}

export interface BodyResult {
  data: Buffer;
  /** Whether the Content-Encoding was decoded (and its headers must go). */
  decoded: boolean;
}

/**
 * Reads a response body to its end, decoding its Content-Encoding on the way
 * and failing as soon as the decoded size passes `maxBytes`: the source is
 * destroyed at that point, so a gzip bomb or an endless chunked body costs at
 * most the limit plus one chunk in memory.
 */
export async function readBody(body: Readable, options: ReadBodyOptions): Promise<BodyResult> {
  const decoders =
    options.contentEncoding === null ? null : createDecoders(options.contentEncoding);
  if (decoders === null && Number(options.declaredLength) > options.maxBytes) {
    body.destroy();
    throw tooLarge(options.maxBytes);
  }
  if (decoders === null) return { data: await collect(body, options.maxBytes), decoded: false };
  const sink = new LimitedCollector(options.maxBytes);
  await pipeline([body, ...(decoders ?? []), sink]);
  return { data: sink.result(), decoded: decoders !== null };
}

/**
 * The plain case: the chunks as 'data' events until 'end'. Not a pipeline,
 * nor `for await`: its async iterator and end-of-stream watcher live as long
 * as the body is read, and at high concurrency outlived the young
 * generation (1 KB promoted per job at concurrency 256, a sampling heap
 * profile). Too large: `body` is destroyed at once.
 */
function collect(body: Readable, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Errored or destroyed before it was read (an abort): no event would come.
    if (body.destroyed) {
      reject(body.errored ?? prematureClose());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (outcome: () => void) => {
      body.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else {
        settle(() => reject(tooLarge(maxBytes)));
        // undici's body reports being destroyed as an 'error' ("Request aborted"): nobody waits for it now.
        body.on('error', ignore).destroy();
      }
    };
    const onEnd = () =>
      settle(() =>
        resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size)),
      );
    const onError = (error: Error) => settle(() => reject(error));
    // Closed with neither 'end' nor 'error': destroyed without a reason.
    const onClose = () => settle(() => reject(prematureClose()));
    body.on('data', onData).once('end', onEnd).once('error', onError).once('close', onClose);
  });
}

function ignore(): void {}

/** What Node's stream helpers reject with for a stream closed before its end. */
function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}

class LimitedCollector extends Writable {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error) => void) {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      callback(tooLarge(this.maxBytes));
      return;
    }
    this.chunks.push(chunk);
    callback();
  }

  result(): Buffer {
    return this.chunks.length === 1 && this.chunks[0]
      ? this.chunks[0]
      : Buffer.concat(this.chunks, this.size);
  }
}

function tooLarge(maxBytes: number): TransportError {
  return new TransportError(
    TransportErrorCode.RESPONSE_TOO_LARGE,
    `response body larger than ${maxBytes} bytes`,
    maxBytes,
  );
}
