import type { Readable } from 'node:stream';

/**
 * The body of a request, ready to be sent as many times as there are attempts:
 * a stream cannot be replayed, so every attempt asks `create()` for a fresh one.
 */
export interface RequestBody {
  /** Headers the body needs (Content-Type, Content-Length); the task's own headers win. */
  readonly headers: Readonly<Record<string, string>>;
  /** A fresh copy of the body for one attempt. */
  create(): string | Buffer | Readable;
}

/** Where multipart file parts come from: the files resource, shared by all workers. */
export interface FileSource {
  /** The file's size in bytes, or null when there is no such file. */
  size(name: string): Promise<number | null>;
  /** The file's content as a stream (read lazily, for each attempt anew). */
  stream(name: string): Readable;
}

/** A body whose bytes are fixed: sent again unchanged on every attempt. */
export function fixedBody(content: string | Buffer, contentType: string): RequestBody {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return {
    headers: { 'content-type': contentType, 'content-length': String(bytes.length) },
    create: () => bytes,
  };
}
