import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiServer, type ApiServer } from '../../../api/create-api-server.js';
import type { Config } from '../../../shared/config.js';
import { ConfigError } from '../../../shared/errors/config-error.js';
import { createLogger } from '../../../shared/logger.js';
import {
  ALERT_PATH,
  alertConfig,
  alertSecret,
  closeCircuit,
  eventOf,
  openCircuit,
  startAlertApi,
} from '../../helpers/alert-kit.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';
import { deleteTestKeys, TEST_REDIS_URL } from '../../helpers/test-config.js';

const ORIGIN = 'https://replicated.example.com:443';

describe('alerts with several API replicas', () => {
  const secret = alertSecret();
  const redis = new Redis(TEST_REDIS_URL);
  const apis: ApiServer[] = [];
  let target: ScriptedTarget | undefined;
  let config: Config | undefined;

  afterAll(async () => {
    for (const api of apis) await api.close();
    await target?.close();
    if (config) await deleteTestKeys(config);
    await redis.quit();
  });

  it('three replicas on one Redis send each alert event once', async () => {
    target = await startScriptedTarget();
    config = alertConfig(target.url, secret.text);
    for (let i = 0; i < 3; i++) apis.push((await startAlertApi(config)).api);
    await openCircuit(redis, config.prefix, ORIGIN);
    await target.waitFor(1, { path: ALERT_PATH, where: eventOf('alert.started', ORIGIN) });
    await closeCircuit(redis, config.prefix, ORIGIN);
    await target.waitFor(1, { path: ALERT_PATH, where: eventOf('alert.ended', ORIGIN) });
    expect(target.arrivalsOf({ path: ALERT_PATH }).map((a) => a.headers['webhook-id'])).toEqual([
      expect.stringMatching(/^alert_.*\.started$/),
      expect.stringMatching(/^alert_.*\.ended$/),
    ]);
  });

  it('an alert URL the outbound policy refuses stops the API at start', async () => {
    const refused = alertConfig('http://127.0.0.1:9', secret.text, {
      TASKREST_OUTBOUND_DENY_HOSTS: '127.0.0.1',
    });
    await expect(createApiServer(refused, createLogger(refused))).rejects.toThrow(ConfigError);
    await expect(createApiServer(refused, createLogger(refused))).rejects.toThrow(
      /TASKREST_ALERT_URL/,
    );
  });
});
