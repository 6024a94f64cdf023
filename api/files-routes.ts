import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import type { FilesStore } from '../shared/files/files-store.js';
import { ErrorCode } from '../shared/errors/error-codes.js';
import type { SwaggerTransform } from '@fastify/swagger';
import { ApiError } from './api-error.js';
import { nonEmptyBody } from './non-empty-body.js';
import { commonErrors, errorResponse, jsonResponse } from './openapi-schemas.js';

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
      put,
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

    app.get<{ Params: { '*': string } }>('/api/files/*', get, async (request, reply) => {
      const name = request.params['*'];
      const size = await files.size(name);
      if (size === null) throw notFound(name);
      return reply
        .header('content-type', 'application/octet-stream')
        .header('content-length', size)
        .send(files.stream(name));
    });

    app.delete<{ Params: { '*': string } }>('/api/files/*', remove, async (request, reply) => {
      if (!(await files.delete(request.params['*']))) throw notFound(request.params['*']);
      return reply.code(204).send();
    });

    app.get('/api/files', list, async () => files.list());
    done();
  };
}

const binary = { type: 'string', format: 'binary' };
const nameParams = {
  type: 'object',
  required: ['*'],
  properties: { '*': { type: 'string', description: 'the file name; may contain `/`' } },
};

/** In the document the wildcard is `{name}`, as the docs call it. */
const wildcardAsName: SwaggerTransform = ({ schema, url }) => ({
  url: url.replace(/\*$/, ':name'),
  schema: {
    ...schema,
    params: {
      ...nameParams,
      required: ['name'],
      properties: { name: nameParams.properties['*'] },
    },
  },
});

const config = { swaggerTransform: wildcardAsName };

const put = {
  config,
  schema: {
    tags: ['files'],
    summary: 'Store a file (the raw body, any content type)',
    params: nameParams,
    querystring: {
      type: 'object',
      properties: {
        allow_empty: {
          type: 'boolean',
          description: 'true to store an empty body (refused otherwise)',
        },
      },
    },
    consumes: ['*/*'],
    body: binary,
    response: {
      201: jsonResponse('stored', {
        type: 'object',
        properties: { name: { type: 'string' }, size: { type: 'integer' } },
      }),
      400: errorResponse('invalid file name, or an empty body without ?allow_empty=true'),
      409: errorResponse('the file changed while it was written'),
      413: errorResponse('over TASKREST_MAX_FILE_BYTES'),
      ...commonErrors,
    },
  },
};

const get = {
  config,
  schema: {
    tags: ['files'],
    summary: 'A file (raw bytes)',
    params: nameParams,
    response: {
      200: {
        description: 'the bytes',
        content: { 'application/octet-stream': { schema: binary } },
      },
      404: errorResponse('no such file'),
      ...commonErrors,
    },
  },
};

const remove = {
  config,
  schema: {
    tags: ['files'],
    summary: 'Delete a file',
    params: nameParams,
    response: {
      204: { description: 'deleted', type: 'null' },
      404: errorResponse('no such file'),
      ...commonErrors,
    },
  },
};

const list = {
  schema: {
    tags: ['files'],
    summary: 'Every file: name and size',
    response: {
      200: jsonResponse('every file', {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, size: { type: 'integer' } },
        },
      }),
      ...commonErrors,
    },
  },
};

function notFound(name: string): ApiError {
  return new ApiError(ErrorCode.NOT_FOUND, `no file ${JSON.stringify(name)}`);
}
