import { gzipSync } from 'node:zlib';
import {
  startScriptedTarget,
  type Arrival,
  type Reply,
  type ScriptedTarget,
} from './scripted-target.js';

/**
 * A REST peer on loopback with the routes the end-to-end tests need: a
 * scripted target, so every request is recorded (method, path, headers,
 * body) and tests can check what was really sent.
 */
export async function startTargetServer(): Promise<ScriptedTarget> {
  return startScriptedTarget({ reply: route });
}

function route(request: Arrival): Reply {
  const { path } = request;
  if (path === '/jokes/random') {
    return {
      body: { type: 'success', value: { id: 1, joke: 'Chuck Norris counted to infinity. Twice.' } },
    };
  }
  if (path.startsWith('/anything') || path === '/echo') {
    return {
      body: {
        method: request.method,
        path,
        query: Object.fromEntries(request.query),
        headers: request.headers,
        body: request.body,
      },
    };
  }
  if (path === '/cookies/set') {
    return {
      headers: {
        'set-cookie': ['session=abc123; Path=/; HttpOnly', 'theme="dark"; Max-Age=60'],
        'content-type': 'text/plain',
      },
      body: 'cookies set',
    };
  }
  const redirect = /^\/redirect\/(\d+)$/.exec(path);
  if (redirect) {
    const left = Number(redirect[1]);
    if (left === 0) {
      return {
        body: {
          arrived: true,
          method: request.method,
          body: request.body,
          headers: request.headers,
        },
      };
    }
    return {
      status: 302,
      headers: { location: `/redirect/${left - 1}`, 'set-cookie': `hop${left}=1; Path=/` },
      body: '',
    };
  }
  if (path === '/redirect-307') return { status: 307, headers: { location: '/echo' }, body: '' };
  if (path === '/loop') return { status: 302, headers: { location: '/loop' }, body: '' };
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status) return { status: Number(status[1]), body: { status: Number(status[1]) } };
  if (path === '/gzip') {
    return {
      headers: { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ compressed: true, text: 'grüße' })),
    };
  }
  if (path === '/latin1') {
    return {
      headers: { 'content-type': 'text/plain; charset=iso-8859-1' },
      body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1
    };
  }
  if (path === '/not-json') {
    return { headers: { 'content-type': 'application/json' }, body: '{"oops": ' };
  }
  return { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
}
