import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startHttpTestServer, type HttpTestServer } from '../helpers/http-test-server.js';
import { testCertificates, type TestCertificates } from '../helpers/test-certificates.js';

/*
 * verify_ssl and cacert end to end: a task enqueued through the producer, run
 * by a real worker, against HTTPS servers on loopback whose certificates are
 * made here with openssl.
 */
describe('TLS options through a worker', () => {
  let certs: TestCertificates;
  let harness: Harness;
  let selfSignedCert: string;
  const servers: HttpTestServer[] = [];
  let selfSigned: HttpTestServer;
  let expired: HttpTestServer;
  let expiredCa: string;
  let wrongName: HttpTestServer;
  let wrongNameCert: string;

  const serve = async (pair: { key: string; cert: string }) => {
    const server = await startHttpTestServer((_req, res) => res.end('secure hello'), pair);
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    certs = testCertificates();
    const pair = certs.selfSigned('IP:127.0.0.1');
    selfSignedCert = pair.cert;
    selfSigned = await serve(pair);
    const old = certs.signedByCa('IP:127.0.0.1', '20200101000000Z', '20200102000000Z');
    expiredCa = old.ca;
    expired = await serve(old);
    const other = certs.selfSigned('DNS:somewhere-else.test');
    wrongNameCert = other.cert;
    wrongName = await serve(other);
    harness = startHarness();
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all(servers.map((s) => s.close()));
    certs?.remove();
  });

  it('refuses a self-signed certificate by default, saying why', async () => {
    const { output } = await harness.run({
      url: `${selfSigned.url}/`,
      retry_backoff: { deadline: 0 },
    });
    expect(output).toMatchObject({
      status: 'error',
      status_code: null,
      message: 'TLS: certificate is self-signed and not trusted (set cacert or verify_ssl: false)',
    });
  });

  it('trusts it with cacert', async () => {
    const { output } = await harness.run({ url: `${selfSigned.url}/`, cacert: selfSignedCert });
    expect(output).toMatchObject({ status: 'success', status_code: 200, text: 'secure hello' });
  });

  it('accepts it with verify_ssl: false', async () => {
    const { output } = await harness.run({ url: `${selfSigned.url}/`, verify_ssl: false });
    expect(output).toMatchObject({ status: 'success', status_code: 200, text: 'secure hello' });
  });

  it('trusts cacert in addition to the system roots, not instead of them', async () => {
    // Another CA in cacert does not make the self-signed one trusted.
    const { output } = await harness.run({ url: `${selfSigned.url}/`, cacert: expiredCa });
    expect(output?.status).toBe('error');
    expect(output?.message).toMatch(/^TLS: certificate is self-signed/);
  });

  it('names an expired certificate', async () => {
    const { output } = await harness.run({ url: `${expired.url}/`, cacert: expiredCa });
    expect(output).toMatchObject({ status: 'error', message: 'TLS: certificate has expired' });
  });

  it('names a certificate for another host', async () => {
    const { output } = await harness.run({ url: `${wrongName.url}/`, cacert: wrongNameCert });
    expect(output).toMatchObject({
      status: 'error',
      message: 'TLS: certificate name does not match host 127.0.0.1',
    });
  });

  it('verify_ssl: false also accepts expired and misnamed certificates', async () => {
    for (const server of [expired, wrongName]) {
      const { output } = await harness.run({ url: `${server.url}/`, verify_ssl: false });
      expect(output).toMatchObject({ status: 'success', text: 'secure hello' });
    }
  });
});
