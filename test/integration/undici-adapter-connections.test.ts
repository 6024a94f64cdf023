import type http from 'node:http';
import axios from 'axios';
import { afterEach, describe, expect, it } from 'vitest';
import { createUndiciAdapter } from '../../worker/executor/transport/undici-adapter.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';

/*
 * How many connections the transport opens to one origin: as many as there
 * are requests in flight by default (as undici's and Node's own agents), at
 * most `connectionsPerOrigin` when given.
 */
const servers: HttpTestServer[] = [];
const transports: ReturnType<typeof createUndiciAdapter>[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((t) => t.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A server that holds every request until `release` says so; tells how many it holds at most. */
async function holdingServer(release: (held: number) => boolean) {
  const held: http.ServerResponse[] = [];
  let most = 0;
  const server = await startHttpTestServer((_req, res) => {
    held.push(res);
    most = Math.max(most, held.length);
    if (release(held.length)) for (const r of held.splice(0)) r.end('ok');
  });
  servers.push(server);
  return { url: server.url, most: () => most };
}

function clientOf(options: Parameters<typeof createUndiciAdapter>[0] = {}) {
  const transport = createUndiciAdapter(options);
  transports.push(transport);
  return axios.create({ adapter: transport.adapter });
}

describe('connections per origin', () => {
  it('by default, 300 requests to one origin are all in flight at once', async () => {
    // Answers nothing until all 300 are there: a cap below 300 would leave them waiting.
    const server = await holdingServer((held) => held === 300);
    const client = clientOf();
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, i) => client.get<string>(`${server.url}/${i}`)),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(server.most()).toBe(300);
  }, 30_000);

  it('with connectionsPerOrigin 4, at most 4 at once, the others waiting for a connection', async () => {
    // Answers whenever 4 are held: the fifth and later requests go out on freed connections.
    const server = await holdingServer((held) => held === 4);
    const client = clientOf({ connectionsPerOrigin: 4 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => client.get<string>(`${server.url}/${i}`)),
    );
    expect(answers).toHaveLength(20);
    expect(server.most()).toBe(4);
  }, 30_000);
});
