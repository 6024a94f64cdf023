import fastifySwagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { addOpenApiSchemas } from './openapi-schemas.js';

/**
 * Makes `app.swagger()` return the OpenAPI 3.1 document generated from the
 * `schema` every route declares. Call it on the root instance before any
 * route is registered: @fastify/swagger collects routes as they are added.
 *
 * The route schemas document and do nothing else. Validation stays with the
 * routes and the zod task schema (so an invalid task gets the API's own
 * `{"error": "invalid task", "issues"}` naming every field, never ajv's first
 * complaint), and replies are written with JSON.stringify (so no response
 * schema can drop a field it does not list).
 */
export async function generateOpenApi(app: FastifyInstance): Promise<void> {
  app.setValidatorCompiler(() => () => true);
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  addOpenApiSchemas(app);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'taskrest',
        version: '1',
        description: 'Run REST calls (TaskREST tasks) as queued BullMQ jobs.',
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'tasks', description: 'enqueue tasks, read and remove executions' },
        { name: 'files', description: 'the files that tasks send and receive' },
        {
          name: 'executions',
          description: 'executions that ended: the list, their runs, the stats',
        },
        { name: 'documentation', description: 'this document' },
        { name: 'operations', description: 'health and metrics, without credentials' },
      ],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'one of API_TOKENS' },
        },
      },
    },
    // OpenAPI 3.1 is JSON Schema 2020-12: `const` stays as zod wrote it.
    convertConstToEnum: false,
    // Shared schemas keep their `$id` as their name in `components.schemas`.
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
}
