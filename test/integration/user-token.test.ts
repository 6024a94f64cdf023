import { jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TaskInput } from '../../shared/task-schema.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { runCli } from '../helpers/run-cli.js';
import {
  startScriptedTarget,
  type ScriptedTarget,
  type ScriptedTargetOptions,
} from '../helpers/scripted-target.js';
import { envOf } from '../helpers/test-config.js';

/*
 * pass_user_token: the worker mints a short-lived JWT for the user who
 * enqueued the execution, and sends it to the own API only.
 */
const SECRET = 'user-token-secret-0123456789abcdef0123456789';
const AUDIENCE = 'https://api.taskrest.test';

/** `/to?url=U` answers a 302 to U; any other path 200. */
const redirecting: ScriptedTargetOptions = {
  routes: {
    '/to': (arrival) => ({
      status: 302,
      headers: { location: arrival.query.get('url') ?? '/' },
      body: '',
    }),
  },
};

let ownApi: ScriptedTarget;
let elsewhere: ScriptedTarget;
let harness: Harness;

beforeAll(async () => {
  ownApi = await startScriptedTarget(redirecting);
  elsewhere = await startScriptedTarget(redirecting);
  harness = startHarness({
    USER_TOKEN_SECRET: SECRET,
    USER_TOKEN_AUDIENCE: AUDIENCE,
    TASKREST_API_ORIGINS: `https://other.example, ${ownApi.url}/`,
  });
});
afterAll(async () => {
  await harness?.close();
  await ownApi?.close();
  await elsewhere?.close();
});
beforeEach(() => {
  ownApi.clear();
  elsewhere.clear();
});

async function runAs(user: string | undefined, task: TaskInput) {
  const { executionId } = await harness.producer.enqueue(task, user === undefined ? {} : { user });
  const execution = await harness.producer.waitForResult(executionId, { timeoutMs: 20_000 });
  if (!execution?.output) throw new Error(`no output: ${JSON.stringify(execution)}`);
  return { executionId, output: execution.output };
}

function bearerOf(headers: { authorization?: string }): string {
  const header = headers.authorization ?? '';
  expect(header).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  return header.slice(7);
}

describe('pass_user_token', () => {
  it('sends a signed, short-lived token of the user to the own API', async () => {
    const { executionId, output } = await runAs('alice', {
      url: `${ownApi.url}/api/me`,
      pass_user_token: true,
    });
    expect(output).toMatchObject({ status: 'success', status_code: 200 });
    expect(ownApi.arrivals).toHaveLength(1);
    const token = bearerOf(ownApi.arrivals[0]?.headers ?? {});
    const { payload, protectedHeader } = await jwtVerify(token, new TextEncoder().encode(SECRET), {
      audience: AUDIENCE,
      issuer: 'taskrest',
      algorithms: ['HS256'],
    });
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: 'alice', aud: AUDIENCE, execution_id: executionId });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(300);
    expect(Math.abs((payload.iat ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect(payload.jti).toMatch(/^[\w-]{16,}$/);
    // A token signed with another key does not verify.
    await expect(
      jwtVerify(token, new TextEncoder().encode(`${SECRET}-other`), { audience: AUDIENCE }),
    ).rejects.toThrow();
    expect(JSON.stringify(output)).not.toContain(token);
  });

  it('refuses an origin outside TASKREST_API_ORIGINS before any request', async () => {
    const { output } = await runAs('alice', { url: `${elsewhere.url}/x`, pass_user_token: true });
    expect(output).toMatchObject({
      status: 'error',
      status_code: null,
      message: `pass_user_token: ${elsewhere.url} is not an own-API origin (TASKREST_API_ORIGINS); the user token is sent only there`,
    });
    expect(elsewhere.arrivals).toEqual([]);
  });

  it('does not carry the token on a redirect from the own API to another origin', async () => {
    const target = `${elsewhere.url}/landing`;
    const { output } = await runAs('alice', {
      url: `${ownApi.url}/to?url=${encodeURIComponent(target)}`,
      pass_user_token: true,
    });
    expect(output).toMatchObject({ status: 'success', status_code: 200 });
    bearerOf(ownApi.arrivals[0]?.headers ?? {});
    expect(elsewhere.arrivals).toHaveLength(1);
    expect(elsewhere.arrivals[0]?.headers.authorization).toBeUndefined();
  });

  it('fails clearly when no user is recorded', async () => {
    const { output } = await runAs(undefined, {
      url: `${ownApi.url}/api/me`,
      pass_user_token: true,
    });
    expect(output).toMatchObject({
      status: 'error',
      message: 'pass_user_token: no user is recorded for this execution (enqueue it with a user)',
    });
    expect(ownApi.arrivals).toEqual([]);
  });

  it('takes the user from `taskrest enqueue --user`', async () => {
    const { code, stdout } = await runCli(
      [
        'enqueue',
        '--user',
        'bob',
        '--wait',
        '20',
        '--json',
        JSON.stringify({ url: `${ownApi.url}/api/me`, pass_user_token: true }),
      ],
      envOf(harness.config),
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ status: 'success' });
    const { payload } = await jwtVerify(
      bearerOf(ownApi.arrivals[0]?.headers ?? {}),
      new TextEncoder().encode(SECRET),
      { audience: AUDIENCE },
    );
    expect(payload.sub).toBe('bob');
  });

  it('fails clearly without USER_TOKEN_SECRET', async () => {
    const unset = startHarness({ TASKREST_API_ORIGINS: ownApi.url });
    try {
      const { executionId } = await unset.producer.enqueue(
        { url: `${ownApi.url}/api/me`, pass_user_token: true },
        { user: 'alice' },
      );
      const execution = await unset.producer.waitForResult(executionId, { timeoutMs: 20_000 });
      expect(execution?.output).toMatchObject({
        status: 'error',
        message: 'pass_user_token: USER_TOKEN_SECRET and USER_TOKEN_AUDIENCE must be set',
      });
      expect(ownApi.arrivals).toEqual([]);
    } finally {
      await unset.close();
    }
  });
});
