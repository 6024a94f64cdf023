import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonResponse } from './openapi-schemas.js';

/** Where the browsable API documentation lives. */
export const API_DOCS_PATH = '/api/docs';

/**
 * `GET /api/openapi.json`, the OpenAPI document generated from the route
 * schemas (see openapi-generator.ts), and `/api/docs`, Swagger UI on it.
 * Both are open, also with API_TOKENS set: they hold no data, only what
 * docs/http-api.md says, and the page has to load before its Authorize
 * button can take the token that every call made from it then carries.
 * Swagger UI is served from its own package: the page loads nothing from
 * another host, and its CSP says so.
 */
export async function openApiRoute(app: FastifyInstance): Promise<void> {
  app.get(
    '/api/openapi.json',
    {
      schema: {
        tags: ['documentation'],
        summary: 'This OpenAPI document',
        response: {
          200: jsonResponse('the OpenAPI 3.1 document', { type: 'object' }),
        },
        // Open: the page that shows it must load before it has a token.
        security: [],
      },
    },
    () => Promise.resolve(app.swagger()),
  );
  await app.register(fastifySwaggerUi, {
    routePrefix: API_DOCS_PATH,
    staticCSP: true,
    // The plugin's own policy, less what would let the page reach other hosts.
    transformStaticCSP: (header) =>
      header
        .replace(/ https:| validator\.swagger\.io/g, '')
        .replace(/ ?upgrade-insecure-requests;/, '')
        .concat(" connect-src 'self';"),
    // BaseLayout: no top bar, whose box would open any other document URL.
    uiConfig: { deepLinking: false, layout: 'BaseLayout' },
    theme: { title: 'taskrest API' },
  });
}
