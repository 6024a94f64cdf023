import { Readable } from 'node:stream';

/**
 * The body as a stream again, or null when it carries no byte. Reads only
 * up to the first chunk, so a large body still streams to its destination
 * (which enforces its own size limit) without being held in memory.
 */
export async function nonEmptyBody(body: Readable | Buffer | undefined): Promise<Readable | null> {
  if (body === undefined) return null;
  if (Buffer.isBuffer(body)) return body.length === 0 ? null : Readable.from([body]);
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first = await chunks.next();
  while (!first.done && first.value.length === 0) first = await chunks.next();
  if (first.done) return null;
  const head = first.value;
  return Readable.from(
    (async function* () {
      yield head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    })(),
  );
}
