import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import FormData from 'form-data';
import { ErrorCode } from '../../../shared/errors/error-codes.js';
import { TaskError } from '../../../shared/errors/task-error.js';
import { FileChangedError } from '../../../shared/errors/file-changed-error.js';
import { boundaryInContentType } from '../../../shared/multipart-boundary.js';
import { parseMultipart } from '../../../shared/parse-task.js';
import type { MultipartPart, MultipartSpec } from '../../../shared/task-schema.js';
import { fileContentType } from './file-content-type.js';
import type { FileSource, RequestBody } from './request-body.js';

const CRLF = '\r\n';
/** The request Content-Type when the multipart dict names none (as in the connector). */
export const DEFAULT_MULTIPART_TYPE = 'multipart/mixed';
/** The Content-Type of a value part unless overridden (as in the connector). */
export const VALUE_PART_CONTENT_TYPE = 'text/plain; charset=utf-8';

/** One part, laid out: its header block and where its content comes from. */
type Part = { name: string; header: string } & (
  { kind: 'value'; bytes: Buffer } | { kind: 'file'; file: string; size: number }
);

/**
 * Encodes a task's `multipart` input as the connector lays it out:
 *
 * ```
 * --<boundary>CRLF
 * Content-Type: …CRLF            (then Content-Disposition, Content-Length;
 * CRLF                            each overridable, `false` omits it)
 * <content>CRLF
 * --<boundary>--CRLF
 * ```
 *
 * The spec is checked with the task schema's own multipart rules (an
 * InvalidTaskError naming the field; the producer refused such a task
 * already). Every file is looked up first, so a missing one fails
 * (FILE_NOT_FOUND) before anything is sent. `create()` streams file content from `files`
 * anew for each attempt; the total Content-Length is exact.
 */
export async function createMultipartBody(
  input: MultipartSpec,
  files: FileSource,
): Promise<RequestBody> {
  const spec = parseMultipart(input);
  const { contentType, boundary } = requestContentType(spec);

  const sizes = await Promise.all(
    spec.parts.map((part) =>
      part.file === undefined ? Promise.resolve(null) : files.size(part.file),
    ),
  );
  const parts = spec.parts.map((spec, index): Part => {
    const size = sizes[index];
    if (spec.file === undefined) {
      const bytes = Buffer.from(spec.value ?? '', 'utf8');
      return {
        name: spec.name,
        kind: 'value',
        bytes,
        header: partHeader(spec, boundary, bytes.length),
      };
    }
    if (size == null) {
      throw new TaskError(
        ErrorCode.FILE_NOT_FOUND,
        `multipart part ${JSON.stringify(spec.name)}: file ${JSON.stringify(spec.file)} not found in the files resource`,
      );
    }
    return {
      name: spec.name,
      kind: 'file',
      file: spec.file,
      size,
      header: partHeader(spec, boundary, size),
    };
  });
  // Measured on a form whose file streams are never read (they open lazily).
  const probe = buildForm(parts, boundary, files);
  const contentLength = parts.length === 0 ? closing(boundary).length : probe.form.getLengthSync();
  probe.discard();

  return {
    headers: { 'content-type': contentType, 'content-length': String(contentLength) },
    create: () => {
      if (parts.length === 0) return Buffer.from(closing(boundary));
      const { form, discard } = buildForm(parts, boundary, files);
      return toReadable(form, discard);
    },
  };
}

/** The request's Content-Type and boundary; the schema made sure the two agree. */
function requestContentType(spec: MultipartSpec): { contentType: string; boundary: string } {
  const type = spec['content-type'] ?? DEFAULT_MULTIPART_TYPE;
  const given = boundaryInContentType(type);
  // 128 random bits when none is given: no value part will contain it.
  const boundary = spec.boundary ?? given ?? randomBytes(16).toString('hex');
  if (given !== undefined) return { contentType: type, boundary };
  // RFC 2045: a parameter value outside the token characters must be quoted.
  const param = /^[0-9A-Za-z!#$%&'*+\-.^_`|~]+$/.test(boundary) ? boundary : `"${boundary}"`;
  return { contentType: `${type}; boundary=${param}`, boundary };
}

function partHeader(part: MultipartPart, boundary: string, length: number): string {
  const defaults = {
    'Content-Type': part.file === undefined ? VALUE_PART_CONTENT_TYPE : fileContentType(part.file),
    'Content-Disposition':
      `form-data; name="${quoteParam(part.name)}"` +
      (part.file === undefined ? '' : `; filename="${quoteParam(baseName(part.file))}"`),
    'Content-Length': String(length),
  };
  const overrides = {
    'Content-Type': part['content-type'],
    'Content-Disposition': part['content-disposition'],
    'Content-Length': part['content-length'],
  };
  let header = `--${boundary}${CRLF}`;
  for (const [field, fallback] of Object.entries(defaults)) {
    const override = overrides[field as keyof typeof overrides];
    if (override === false) continue;
    header += `${field}: ${override === undefined ? fallback : String(override)}${CRLF}`;
  }
  return header + CRLF;
}

/** Quoted-string content as browsers send it (WHATWG, RFC 7578 §4.2): `"` CR LF percent-encoded. */
function quoteParam(value: string): string {
  return value.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1);
}

function closing(boundary: string): string {
  return `--${boundary}--${CRLF}`;
}

/** A form-data form of the parts; `discard` stops every file stream it opened. */
function buildForm(parts: readonly Part[], boundary: string, files: FileSource) {
  const form = new FormData({ maxDataSize: Infinity });
  form.setBoundary(boundary);
  const fileStreams: Readable[] = [];
  for (const part of parts) {
    if (part.kind === 'value' || part.size === 0) {
      form.append(part.name, part.kind === 'value' ? part.bytes : Buffer.alloc(0), {
        header: part.header,
      });
    } else {
      const stream = exactly(part.file, part.size, files);
      fileStreams.push(stream);
      form.append(part.name, stream, { header: part.header, knownLength: part.size });
    }
  }
  const discard = () => {
    form.destroy();
    for (const stream of fileStreams) stream.destroy();
  };
  return { form, discard };
}

/**
 * The file's content, opened on first read, failing unless it is exactly
 * `size` bytes: Content-Length was announced from `size`, and a file
 * replaced since must not produce a malformed request.
 */
function exactly(file: string, size: number, files: FileSource): Readable {
  async function* content(): AsyncGenerator<Buffer> {
    const source = files.stream(file);
    let seen = 0;
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        seen += chunk.length;
        if (seen > size) throw new FileChangedError(file);
        yield chunk;
      }
    } finally {
      source.destroy();
    }
    if (seen !== size) throw new FileChangedError(file);
  }
  return Readable.from(content(), { objectMode: false });
}

/**
 * form-data's stream is an old-style (pre-streams2) stream; this turns it into
 * a real Readable with backpressure, as RequestBody promises.
 */
function toReadable(form: FormData, discard: () => void): Readable {
  const out = new Readable({
    read: () => form.resume(),
    destroy: (error, callback) => {
      discard();
      callback(error);
    },
  });
  form.on('data', (chunk: Buffer | string) => {
    if (!out.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)) form.pause();
  });
  form.on('end', () => out.push(null));
  form.on('error', (error: Error) => out.destroy(error));
  return out;
}
