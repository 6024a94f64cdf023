/**
 * The HTTP ceilings: requests/s straight at the target, no queue, with 64
 * requests in flight and keep-alive, over axios' default adapter, over
 * taskrest's undici adapter, and over undici alone.
 */
import http from 'node:http';
import axios from 'axios';
import { Agent, request } from 'undici';
import { createUndiciAdapter } from '../worker/executor/transport/undici-adapter.js';

const IN_FLIGHT = 64;

/** Runs `send` `count` times with IN_FLIGHT at once; returns requests/s. */
async function drive(count: number, send: () => Promise<void>): Promise<number> {
  let started = 0;
  const begin = performance.now();
  const lane = async () => {
    while (started < count) {
      started++;
      await send();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return count / ((performance.now() - begin) / 1000);
}

export type Client = 'axios-default' | 'axios-taskrest-adapter' | 'undici';

export async function httpCeiling(client: Client, url: string, count: number): Promise<number> {
  if (client === 'undici') {
    const dispatcher = new Agent({ connections: IN_FLIGHT });
    try {
      return await drive(count, async () => {
        const res = await request(url, { dispatcher });
        await res.body.arrayBuffer();
        if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
      });
    } finally {
      await dispatcher.close();
    }
  }
  if (client === 'axios-default') {
    const httpAgent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const instance = axios.create({ httpAgent, responseType: 'text' });
    try {
      return await drive(count, async () => {
        await instance.get(url);
      });
    } finally {
      httpAgent.destroy();
    }
  }
  const transport = createUndiciAdapter();
  const instance = axios.create({ adapter: transport.adapter });
  try {
    return await drive(count, async () => {
      await instance.get(url);
    });
  } finally {
    await transport.close();
  }
}
