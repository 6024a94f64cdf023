import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { FilesStore } from '../shared/files/files-store.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import { ApiError } from './api-error.js';
import { nonEmptyBody } from './non-empty-body.js';

/**
 * The files resource (multipart file parts), raw bytes in and out:
 * `PUT /api/files/NAME` (201 `{"name", "size"}`; 413 over TASKREST_MAX_FILE_BYTES;
 * 400 for an empty body unless `?allow_empty=true`),
 * `GET /api/files/NAME`, `DELETE /api/files/NAME` (204), `GET /api/files`
 * (the list). NAME may contain `/` (`reports/2024.csv`).
 */
export function filesRoutes(files: FilesStore) {
  return (app: FastifyInstance, _options: unknown, done: () => void): void => {
    // Here, every body is a file's bytes, whatever its content type says:
    // the stream goes to the store, which enforces the size limit as it reads.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));

    app.put<{ Params: { '*': string }; Querystring: { allow_empty?: string } }>(
      '/api/files/*',
      async (request, reply) => {
        const name = request.params['*'];
        const body = await nonEmptyBody(request.body as Readable | undefined);
        // An empty upload is nearly always a mistake (a wrong path, a failed
        // pipe): refused, unless the caller says it means it.
        if (body === null && request.query.allow_empty !== 'true') {
          throw new ApiError(
            ErrorCode.EMPTY_FILE,
            `the body for file ${name} is empty: nothing was stored (PUT with ?allow_empty=true to store an empty file)`,
          );
        }
        const { size } = await files.put(name, body ?? Buffer.alloc(0));
        return reply.code(201).send({ name, size });
      },
    );

    app.get<{ Params: { '*': string } }>('/api/files/*', async (request, reply) => {
      const name = request.params['*'];
      const size = await files.size(name);
      if (size === null) throw notFound(name);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', size)
        .send(files.stream(name));
    });

    app.delete<{ Params: { '*': string } }>('/api/files/*', async (request, reply) => {
      if (!(await files.delete(request.params['*']))) throw notFound(request.params['*']);
      return reply.code(204).send();
    });

    app.get('/api/files', async () => files.list());
    done();
  };
}

function notFound(name: string): ApiError {
  return new ApiError(ErrorCode.NOT_FOUND, `no file ${JSON.stringify(name)}`);
}
