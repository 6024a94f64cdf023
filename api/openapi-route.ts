import type { FastifyInstance } from 'fastify';
import { openApiDocument } from './openapi-document.js';

/** `GET /api/openapi.json`: the API's OpenAPI document, generated from the task schema. */
export function openApiRoute(app: FastifyInstance, _options: unknown, done: () => void): void {
  const document = openApiDocument();
  app.get('/api/openapi.json', () => Promise.resolve(document));
  done();
}
