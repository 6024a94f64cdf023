import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

/**
 * The page's policy: its own scripts, styles and API only (the build bundles
 * everything), no framing, no inline code. uPlot's and Preact's style changes
 * go through the CSSOM, which style-src does not govern.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/**
 * The package's root: the nearest folder up with a package.json. This file
 * runs from api/ (tests) and from dist/api/ (the package); the build is
 * dist/console/ from the root in both.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return from;
  }
}

/** Where `npm run build` writes the console. */
export const CONSOLE_DIR = join(packageRoot(import.meta.dirname), 'dist', 'console');

const NOT_BUILT = 'the console is not built: run `npm run build`';

/**
 * Serves the console (console/, built by Vite) at `/` and its hashed
 * assets at `/assets/`, under a strict Content-Security-Policy. The page is
 * open: it holds no data, and it reads everything through `/api/*` with the
 * caller's token. Without a build, `/` answers 503 saying how to make one.
 */
export function consoleRoute(dir: string = CONSOLE_DIR): FastifyPluginAsync {
  return async (app: FastifyInstance) => {
    app.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', CONSOLE_CSP);
      void reply.header('x-content-type-options', 'nosniff');
    });
    const assets = join(dir, 'assets');
    if (existsSync(assets)) {
      // @fastify/static (already in the tree through @fastify/swagger-ui): ranges, ETags,
      // content types and path traversal handled as fastify's own.
      await app.register(fastifyStatic, {
        root: assets,
        prefix: '/assets/',
        decorateReply: false,
        schemaHide: true,
        immutable: true,
        maxAge: '365d',
      });
    }
    app.get('/', { schema: { hide: true } }, async (_request, reply) => {
      // Read on each request: a rebuild shows at once, and a missing build says so.
      const html = await readFile(join(dir, 'index.html'), 'utf8').catch(() => null);
      if (html === null) {
        return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
      }
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  };
}
