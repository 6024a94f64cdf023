import { createRequire } from 'node:module';
import type * as undici from 'undici';

const require = createRequire(import.meta.url);

/*
 * The three parts of undici the transport uses, required from their own
 * files. undici's entry point also loads fetch, WebSocket, EventSource, its
 * caches, mocks and interceptors, and mixes `request`, `stream` and the
 * like into every dispatcher: heap (V8 keeps each module's source) held in
 * every worker (see docs/performance.md) for nothing the worker calls. These paths are not undici's documented API: the lockfile pins
 * undici, and the transport's tests fail at once if an upgrade moves them.
 */

export const Agent = require('undici/lib/dispatcher/agent.js') as typeof undici.Agent;
export type Agent = undici.Agent;

export const buildConnector = require('undici/lib/core/connect.js') as typeof undici.buildConnector;

export const errors = require('undici/lib/core/errors.js') as typeof undici.errors;
