import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../../api/create-api-server.js';
import type { Config } from '../../../shared/config.js';
import {
  ALERT_PATH,
  alertConfig,
  alertSecret,
  closeCircuit,
  eventOf,
  openCircuit,
  startAlertApi,
  verifiedEvent,
} from '../../helpers/alert-kit.js';
import { jsonCall } from '../../helpers/json-call.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { deleteTestKeys, TEST_REDIS_URL, testConfig } from '../../helpers/test-config.js';

const A = 'https://a.example.com:443';
const B = 'https://b.example.com:443';

describe('circuit_open alerts', () => {
  const secret = alertSecret();
  const redis = new Redis(TEST_REDIS_URL);
  let target: ScriptedTarget;
  let config: Config;
  let api: ApiServer | undefined;

  beforeAll(async () => {
    target = await startScriptedTarget();
    config = alertConfig(target.url, secret.text);
  });

  afterAll(async () => {
    await api?.close();
    await target.close();
    await deleteTestKeys(config);
    await redis.quit();
  });

  it('one signed alert.started while open, listed; one alert.ended once closed; a restart resends nothing', async () => {
    let started = await startAlertApi(config);
    api = started.api;
    await openCircuit(redis, config.prefix, A);
    const [first] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.started', A),
    });
    const event = verifiedEvent(first!, secret.bytes);
    expect(event.alert).toMatchObject({ kind: 'circuit_open', subject: A });
    expect(event.alert.details).toMatchObject({ circuit: 'open', consecutive_failures: 5 });
    expect(first!.headers['webhook-id']).toBe(`${event.alert.id}.started`);
    const listed = await jsonCall(started.url, 'GET', '/api/alerts');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ configured: true, alerts: [event.alert] });

    // A restart: the new process sees A open (it opens B in the same evaluation) and sends only B.
    await api.close();
    started = await startAlertApi(config);
    api = started.api;
    await openCircuit(redis, config.prefix, B);
    await target.waitFor(1, { path: ALERT_PATH, where: eventOf('alert.started', B) });

    await closeCircuit(redis, config.prefix, A);
    await closeCircuit(redis, config.prefix, B);
    const [endedA] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.ended', A),
    });
    await target.waitFor(1, { path: ALERT_PATH, where: eventOf('alert.ended', B) });
    const ended = verifiedEvent(endedA!, secret.bytes);
    expect(ended.alert).toMatchObject({ id: event.alert.id, started_at: event.alert.started_at });
    expect(Date.parse(ended.alert.ended_at!)).toBeGreaterThanOrEqual(
      Date.parse(event.alert.started_at),
    );
    expect(endedA!.headers['webhook-id']).toBe(`${event.alert.id}.ended`);
    expect((await jsonCall(started.url, 'GET', '/api/alerts')).body).toEqual({
      configured: true,
      alerts: [],
    });
    expect(
      target.arrivalsOf({ path: ALERT_PATH, where: eventOf('alert.started', A) }),
    ).toHaveLength(1);
    expect(target.arrivalsOf({ path: ALERT_PATH })).toHaveLength(4);
  });
});

describe('GET /api/alerts without TASKREST_ALERT_URL', () => {
  it('says alerts are not configured and lists none, even with a circuit open', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const config = testConfig();
    const { api, url } = await startAlertApi(config);
    try {
      await openCircuit(redis, config.prefix, A);
      const listed = await jsonCall(url, 'GET', '/api/alerts');
      expect(listed).toEqual({ status: 200, body: { configured: false, alerts: [] } });
    } finally {
      await api.close();
      await deleteTestKeys(config);
      await redis.quit();
    }
  });
});
