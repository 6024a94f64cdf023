import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { ApiServer } from '../../../api/create-api-server.js';
import type { Config } from '../../../shared/config.js';
import {
  ALERT_PATH,
  alertConfig,
  alertSecret,
  openCircuit,
  startAlertApi,
  verifiedEvent,
} from '../../helpers/alert-kit.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { deleteTestKeys, TEST_REDIS_URL } from '../../helpers/test-config.js';

describe('alert redelivery', () => {
  const secret = alertSecret();
  const redis = new Redis(TEST_REDIS_URL);
  let target: ScriptedTarget | undefined;
  let config: Config | undefined;
  let api: ApiServer | undefined;

  afterAll(async () => {
    await api?.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
    await redis.quit();
  });

  it('a POST answered 500 is sent again with the same webhook-id and body, freshly signed', async () => {
    target = await startScriptedTarget({ routes: { [ALERT_PATH]: [500, 200] } });
    config = alertConfig(target.url, secret.text);
    ({ api } = await startAlertApi(config));
    await openCircuit(redis, config.prefix, 'https://down.example.com:443');
    const [first, second] = await target.waitFor(2, { path: ALERT_PATH });
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    expect(second!.body).toBe(first!.body);
    expect(verifiedEvent(first!, secret.bytes)).toEqual(verifiedEvent(second!, secret.bytes));
    expect(verifiedEvent(second!, secret.bytes).type).toBe('alert.started');
  });
});
