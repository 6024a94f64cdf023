import http from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFilesStore } from '../../shared/files/files-store.js';
import { createRedis } from '../../shared/redis-connection.js';
import { executeTask } from '../../worker/executor/executor.js';
import { createHttpClient } from '../../worker/executor/http-client.js';
import { OutboundPolicy } from '../../shared/outbound/outbound-policy.js';
import { createPolicyLookup } from '../../shared/outbound/policy-lookup.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { testConfig } from '../helpers/test-config.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A real HTTP server on `host:port` that counts every connection it is offered. */
interface Listener {
  port: number;
  connections: number;
  paths: string[];
  close(): Promise<void>;
}

async function listen(
  host: string,
  port = 0,
  handler: http.RequestListener = (_req, res) => res.end('reached'),
): Promise<Listener> {
  const sockets = new Set<Socket>();
  const state = { connections: 0, paths: [] as string[] };
  const server = http.createServer((req, res) => {
    state.paths.push(req.url ?? '');
    handler(req, res);
  });
  server.on('connection', (socket: Socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const listener: Listener = Object.assign(state, {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  });
  return listener;
}

/** A server that answers every request with a redirect to `location()`. */
const redirectTo = (
  location: () => string,
  extra: http.OutgoingHttpHeaders = {},
  host = '127.0.0.1',
) =>
  listen(host, 0, (_req, res) => {
    res.writeHead(302, { location: location(), ...extra });
    res.end();
  });

const DENIED_LOOPBACK = 'destination denied by the outbound policy: 127.0.0.2';

describe('outbound policy: a denied loopback address with a real listener', () => {
  let h: Harness;
  let denied: Listener;
  let allowed: Listener;
  let redirector: Listener;

  beforeAll(async () => {
    // 127.0.0.2 is denied; 127.0.0.1 (the same kind of address) stays allowed.
    h = startHarness({ TASKREST_OUTBOUND_DENY_CIDRS: '127.0.0.2/32' });
    denied = await listen('127.0.0.2');
    allowed = await listen('127.0.0.1');
    redirector = await redirectTo(() => `http://0x7f000002:${denied.port}/via-redirect`);
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([denied.close(), allowed.close(), redirector.close()]);
  });

  it('reaches an allowed address (the listener setup works)', async () => {
    const execution = await h.run({ url: `http://127.0.0.1:${allowed.port}/` });
    expect(execution.output?.status).toBe('success');
    expect(execution.output?.text).toBe('reached');
  });

  it.each([
    ['dotted', '127.0.0.2'],
    ['decimal', '2130706434'],
    ['octal', '0177.0.0.2'],
    ['hex per part', '0x7f.0x0.0x0.0x2'],
    ['hex whole', '0x7f000002'],
    ['hex, upper case', '0X7F000002'],
    ['short form', '127.2'],
    ['IPv4-mapped IPv6, dotted', '[::ffff:127.0.0.2]'],
    ['IPv4-mapped IPv6, hex', '[::ffff:7f00:2]'],
    ['IPv4-mapped IPv6, upper case', '[::FFFF:7F00:2]'],
    ['trailing dot', '127.0.0.2.'],
  ])('refuses it spelt %s (%s); nothing connects', async (_how, host) => {
    const execution = await h.run({ url: `http://${host}:${denied.port}/secret` });
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toBe(
      `${DENIED_LOOPBACK} (TASKREST_OUTBOUND_DENY_CIDRS 127.0.0.2/32)`,
    );
    expect(execution.output?.log.join('\n')).not.toMatch(/retry/);
    expect(denied.connections).toBe(0);
  });

  it('refuses it given as hostname with a port', async () => {
    const execution = await h.run({
      scheme: 'http',
      hostname: `0x7f000002:${denied.port}`,
      url: 'secret',
    });
    expect(execution.output?.message).toMatch(
      /^destination denied by the outbound policy: 127\.0\.0\.2 /,
    );
    expect(denied.connections).toBe(0);
  });

  it('refuses a redirect from an allowed host to it; the listener sees no request', async () => {
    const execution = await h.run({ url: `http://127.0.0.1:${redirector.port}/start` });
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toBe(
      `${DENIED_LOOPBACK} (TASKREST_OUTBOUND_DENY_CIDRS 127.0.0.2/32)`,
    );
    expect(redirector.paths).toEqual(['/start']);
    expect(execution.output?.log.join('\n')).toMatch(/redirect 302 to http:\/\/127\.0\.0\.2:/);
    expect(execution.output?.log.join('\n')).toContain(
      `redirect not followed: ${DENIED_LOOPBACK} (TASKREST_OUTBOUND_DENY_CIDRS 127.0.0.2/32)`,
    );
    expect(denied.connections).toBe(0);
    expect(denied.paths).toEqual([]);
  });

  it('resolves localhost (127.0.0.1) as allowed here: the control for the next block', async () => {
    const execution = await h.run({ url: `http://localhost:${allowed.port}/` });
    expect(execution.output?.status).toBe('success');
  });
});

describe('outbound policy: built-in denials', () => {
  let h: Harness;
  let redirector: Listener;

  beforeAll(async () => {
    h = startHarness();
    redirector = await redirectTo(() => 'http://169.254.169.254/latest/meta-data/iam/');
  });
  afterAll(async () => {
    await h.close();
    await redirector.close();
  });

  it.each([
    ['dotted', '169.254.169.254'],
    ['decimal', '2852039166'],
    ['octal', '0251.0376.0251.0376'],
    ['hex per part', '0xa9.0xfe.0xa9.0xfe'],
    ['hex whole', '0xa9fea9fe'],
    ['hex, upper case', '0XA9FEA9FE'],
    ['short form', '169.254.43518'],
    ['IPv4-mapped IPv6, dotted', '[::ffff:169.254.169.254]'],
    ['IPv4-mapped IPv6, hex', '[::ffff:a9fe:a9fe]'],
    ['trailing dot', '169.254.169.254.'],
  ])('refuses cloud metadata spelt %s (%s) before any connect', async (_how, host) => {
    // A connect would end in a 1 s connect timeout or "unreachable", not in a denial.
    const execution = await h.run({ url: `http://${host}/latest/meta-data/`, connect_timeout: 1 });
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toBe(
      'destination denied by the outbound policy: 169.254.169.254 (cloud metadata)',
    );
    expect(execution.output?.log.join('\n')).not.toMatch(/GET http|retry/);
  });

  it('refuses a redirect from an allowed host to 169.254.169.254 before any connect', async () => {
    const execution = await h.run({
      url: `http://127.0.0.1:${redirector.port}/`,
      connect_timeout: 1,
    });
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toBe(
      'destination denied by the outbound policy: 169.254.169.254 (cloud metadata)',
    );
    const log = execution.output?.log.join('\n') ?? '';
    expect(log).toMatch(/redirect 302 to http:\/\/169\.254\.169\.254\/latest\/meta-data\/iam\//);
    expect(log).toContain(
      'redirect not followed: destination denied by the outbound policy: 169.254.169.254 (cloud metadata)',
    );
    expect(log).not.toMatch(/GET http:\/\/169\.254/);
  });

  it('refuses other link-local and metadata addresses', async () => {
    for (const [url, reason] of [
      ['http://169.254.0.1/', 'link-local'],
      ['http://[fe80::1]/', 'link-local'],
      ['http://100.100.100.200/', 'cloud metadata (Alibaba)'],
      ['http://[fd00:ec2::254]/', 'cloud metadata (AWS IPv6)'],
    ] as const) {
      const execution = await h.run({ url, connect_timeout: 1 });
      expect(execution.output?.message).toMatch(`(${reason})`);
    }
  });
});

describe('outbound policy: names are checked on the address they resolve to, at connect time', () => {
  let h: Harness;
  let target: Listener;

  beforeAll(async () => {
    h = startHarness({ TASKREST_OUTBOUND_DENY_CIDRS: '127.0.0.0/8,::1/128' });
    target = await listen('127.0.0.1');
  });
  afterAll(async () => {
    await h.close();
    await target.close();
  });

  it('refuses localhost when loopback is denied, without retrying; nothing connects', async () => {
    const execution = await h.run({
      url: `http://localhost:${target.port}/`,
      retry_backoff: { initial: 1, deadline: 30 },
    });
    expect(execution.state).toBe('failed');
    expect(execution.output?.message).toMatch(
      /^destination denied by the outbound policy: localhost resolves to (127\.0\.0\.1|::1) \(TASKREST_OUTBOUND_DENY_CIDRS (127\.0\.0\.0\/8|::1\/128)\)$/,
    );
    expect(execution.output?.log.join('\n')).not.toMatch(/retry/);
    expect(target.connections).toBe(0);
  });
});

describe('outbound policy: a resolver that answers differently the second time', () => {
  const config = testConfig();
  const redis = createRedis(config, 'worker');
  let first: Listener;
  let second: Listener;

  beforeAll(async () => {
    // The same port on two loopback addresses: where a connection lands is up to DNS.
    first = await listen('127.0.0.1', 0, (req, res) => {
      if (req.url === '/start') {
        // A new connection for the next hop, so a new lookup.
        res.writeHead(302, { location: '/next', connection: 'close' });
        return void res.end();
      }
      res.end('first');
    });
    second = await listen('127.0.0.2', first.port);
  });
  afterAll(async () => {
    await Promise.all([first.close(), second.close()]);
    redis.disconnect();
  });

  /** Answers 127.0.0.1 the first time, 127.0.0.2 ever after (DNS rebinding). */
  function rebindingLookup(): LookupFunction & { calls: number } {
    const lookup = ((_host: string, options: { all?: boolean }, callback: LookupCallback) => {
      const address = lookup.calls++ === 0 ? '127.0.0.1' : '127.0.0.2';
      const answer: LookupAddress = { address, family: 4 };
      setImmediate(() => (options.all ? callback(null, [answer]) : callback(null, address, 4)));
    }) as unknown as LookupFunction & { calls: number };
    lookup.calls = 0;
    return lookup;
  }

  it('refuses the connection whose lookup gives the denied answer', async () => {
    const policy = new OutboundPolicy({
      allowHosts: [],
      denyHosts: [],
      allowCidrs: [],
      denyCidrs: ['127.0.0.2/32'],
    });
    const base = rebindingLookup();
    const client = createHttpClient({ lookup: createPolicyLookup(policy, base) });
    try {
      const { output, error } = await executeTask(
        { url: `http://rebind.test:${first.port}/start` },
        { executionId: 1 },
        {
          http: client.axios,
          files: createFilesStore(redis, config),
          maxResponseBytes: 1024 * 1024,
          checkDestination: (url) => policy.checkUrl(url),
        },
      );
      expect(error?.code).toBe('DESTINATION_DENIED');
      expect(output.message).toBe(
        'destination denied by the outbound policy: rebind.test resolves to 127.0.0.2 (TASKREST_OUTBOUND_DENY_CIDRS 127.0.0.2/32)',
      );
      expect(base.calls).toBe(2);
      expect(first.paths).toEqual(['/start']);
      expect(second.connections).toBe(0);
      expect(output.log.join('\n')).not.toMatch(/retry/);
    } finally {
      await client.close();
    }
  });
});

describe('outbound policy: hosts allow-list', () => {
  let h: Harness;
  let target: Listener;
  let redirector: Listener;

  beforeAll(async () => {
    h = startHarness({ TASKREST_OUTBOUND_ALLOW_HOSTS: 'localhost' });
    target = await listen('127.0.0.1');
    redirector = await redirectTo(() => `http://127.0.0.1:${target.port}/`);
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([target.close(), redirector.close()]);
  });

  it('runs a task to a listed host', async () => {
    const execution = await h.run({ url: `http://LocalHost:${target.port}/` });
    expect(execution.output?.status).toBe('success');
  });

  it('refuses a host not on the list, also when a listed host redirects there', async () => {
    const before = target.connections;
    const direct = await h.run({ url: `http://127.0.0.1:${target.port}/` });
    expect(direct.output?.message).toBe(
      'destination denied by the outbound policy: 127.0.0.1 (not in TASKREST_OUTBOUND_ALLOW_HOSTS)',
    );
    const redirected = await h.run({ url: `http://localhost:${redirector.port}/` });
    expect(redirected.output?.message).toBe(direct.output?.message);
    expect(target.connections).toBe(before);
  });
});

describe('outbound policy: a redirect to a name that resolves to a denied address', () => {
  let h: Harness;
  let redirector: Listener;
  let target: Listener;

  beforeAll(async () => {
    // localhost resolves to 127.0.0.1 (and ::1): both denied; the redirector is on 127.0.0.3.
    h = startHarness({ TASKREST_OUTBOUND_DENY_CIDRS: '127.0.0.1/32,::1/128' });
    target = await listen('127.0.0.1');
    redirector = await redirectTo(() => `http://localhost:${target.port}/next`, {}, '127.0.0.3');
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([target.close(), redirector.close()]);
  });

  it('is not followed, and the log says why', async () => {
    const execution = await h.run({ url: `http://127.0.0.3:${redirector.port}/` });
    expect(execution.state).toBe('failed');
    const log = execution.output?.log.join('\n') ?? '';
    expect(log).toMatch(/redirect 302 to http:\/\/localhost:\d+\/next/);
    expect(log).toMatch(
      /redirect not followed: destination denied by the outbound policy: localhost resolves to (127\.0\.0\.1|::1) \(TASKREST_OUTBOUND_DENY_CIDRS (127\.0\.0\.1\/32|::1\/128)\)/,
    );
    expect(target.connections).toBe(0);
  });
});
