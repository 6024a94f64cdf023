import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseCallbackSecret } from '../../shared/config-variables.js';
import { loadConfig } from '../../shared/config.js';
import { webhookHeaders } from '../../shared/webhook-signature.js';

/** The example of the Standard Webhooks libraries (svix, standardwebhooks): a known answer. */
const KNOWN = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const bytes = (whsec: string) => parseCallbackSecret(whsec)!;

describe('webhookHeaders', () => {
  it('signs as the Standard Webhooks example does', () => {
    expect(webhookHeaders([bytes(KNOWN.secret)], KNOWN.id, KNOWN.timestamp, KNOWN.body)).toEqual({
      'webhook-id': KNOWN.id,
      'webhook-timestamp': String(KNOWN.timestamp),
      'webhook-signature': KNOWN.signature,
    });
  });

  it('lists one v1 signature per secret, the first secret first, space-separated', () => {
    const other = Buffer.alloc(32, 9);
    const headers = webhookHeaders([bytes(KNOWN.secret), other], 'id-1', 1700000000, '{}');
    const [first, second] = headers['webhook-signature']!.split(' ');
    const sign = (key: Buffer) =>
      `v1,${createHmac('sha256', key).update('id-1.1700000000.{}').digest('base64')}`;
    expect(first).toBe(sign(bytes(KNOWN.secret)));
    expect(second).toBe(sign(other));
  });

  it('signs over the timestamp it is given: another second, another signature', () => {
    const key = [bytes(KNOWN.secret)];
    expect(webhookHeaders(key, 'id', 1, 'b')['webhook-signature']).not.toBe(
      webhookHeaders(key, 'id', 2, 'b')['webhook-signature'],
    );
  });

  it('without secrets: id and timestamp, no signature', () => {
    expect(webhookHeaders([], 'id', 5, 'b')).toEqual({
      'webhook-id': 'id',
      'webhook-timestamp': '5',
    });
  });
});

describe('TASKREST_CALLBACK_SECRETS', () => {
  it('takes whsec_ secrets, the bytes after the prefix in base64, in order', () => {
    const a = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
    const config = loadConfig({ TASKREST_CALLBACK_SECRETS: `${a}, ${KNOWN.secret}` });
    expect(config.callbackSecrets).toEqual([Buffer.alloc(32, 1), bytes(KNOWN.secret)]);
    expect(loadConfig({}).callbackSecrets).toEqual([]);
  });

  it.each([
    ['no prefix', Buffer.alloc(32).toString('base64')],
    ['not base64', 'whsec_not base64!'],
    ['too short', `whsec_${Buffer.alloc(8).toString('base64')}`],
  ])('refuses a secret with %s, naming the variable', (_what, value) => {
    expect(() => loadConfig({ TASKREST_CALLBACK_SECRETS: value })).toThrow(
      /TASKREST_CALLBACK_SECRETS: expected whsec_/,
    );
  });
});
