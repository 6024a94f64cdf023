import { createHmac } from 'node:crypto';

/**
 * The Standard Webhooks headers of one request: `webhook-id` (the same on
 * every redelivery), `webhook-timestamp` (Unix seconds, of this request)
 * and, with secrets, `webhook-signature`: `v1,` and the base64 HMAC-SHA256
 * of `id.timestamp.body` under each secret's bytes, space-separated (the
 * first secret signs; the others during a rotation). Without secrets the
 * request goes unsigned.
 * @see https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
 */
export function webhookHeaders(
  secrets: readonly Buffer[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
  };
  if (secrets.length === 0) return headers;
  const signed = `${id}.${timestampSeconds}.${body}`;
  headers['webhook-signature'] = secrets
    .map((secret) => `v1,${createHmac('sha256', secret).update(signed).digest('base64')}`)
    .join(' ');
  return headers;
}
