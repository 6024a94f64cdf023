import { afterAll, describe, expect, it } from 'vitest';
import { ALERT_PATH, alertSecret, eventOf, verifiedEvent } from '../../helpers/alert-kit.js';
import { startApiHarness, type ApiHarness } from '../../helpers/api-harness.js';
import { startScriptedTarget, type ScriptedTarget } from '../../helpers/scripted-target.js';

describe('failure_rate from executions a worker failed', () => {
  const secret = alertSecret();
  let target: ScriptedTarget | undefined;
  let h: ApiHarness | undefined;

  afterAll(async () => {
    await h?.close();
    await target?.close();
  });

  it('20 failed executions in the window start one alert.started for the queue', async () => {
    target = await startScriptedTarget();
    h = await startApiHarness({
      TASKREST_ALERT_URL: `${target.url}${ALERT_PATH}`,
      TASKREST_CALLBACK_SECRETS: secret.text,
      TASKREST_ALERT_CHECK_SECONDS: '0.1',
    });
    // 200 is not the expected status: each execution fails at once, without retries.
    for (let i = 0; i < 20; i++) {
      await h.api.producer.enqueue({ url: `${target.url}/work/${i}`, expected_status_code: [201] });
    }
    const [arrival] = await target.waitFor(1, {
      path: ALERT_PATH,
      where: eventOf('alert.started', h.config.queueName),
    });
    const event = verifiedEvent(arrival!, secret.bytes);
    expect(event.alert.kind).toBe('failure_rate');
    expect(event.alert.details).toMatchObject({ failed: 20, completed: 0, failure_rate: 1 });
    expect(target.arrivalsOf({ prefix: '/work/' })).toHaveLength(20);
  });
});
