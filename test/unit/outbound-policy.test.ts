import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../shared/errors/error-codes.js';
import { loadConfig } from '../../shared/config.js';
import { DestinationDeniedError } from '../../shared/outbound/destination-denied-error.js';
import {
  OutboundPolicy,
  outboundPolicyOf,
  type OutboundPolicyOptions,
} from '../../shared/outbound/outbound-policy.js';
import { createPolicyLookup } from '../../shared/outbound/policy-lookup.js';

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

const policy = (options: Partial<OutboundPolicyOptions> = {}) =>
  new OutboundPolicy({ allowHosts: [], denyHosts: [], allowCidrs: [], denyCidrs: [], ...options });

/** The denial message of checking `url`, or null when allowed. */
function denial(p: OutboundPolicy, url: string): string | null {
  try {
    p.checkUrl(new URL(url));
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(DestinationDeniedError);
    expect((error as DestinationDeniedError).code).toBe(ErrorCode.DESTINATION_DENIED);
    return (error as Error).message;
  }
}

describe('OutboundPolicy defaults', () => {
  const defaults = policy();

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://0251.0376.0251.0376/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://0xa9fea9fe/',
    'http://169.254.43518/',
    'http://169.254.169.254./',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:a9fe:a9fe::]/',
    'http://[64:ff9b:1::a9fe:a9fe]/',
    'http://[2001:0:4136:e378:8000:63bf:5601:5601]/',
    'http://[2001:db8::5efe:a9fe:a9fe]/',
  ])('refuses the cloud metadata address as %s', (url) => {
    expect(denial(defaults, url)).toMatch(
      /^destination denied by the outbound policy: 169\.254\.169\.254( \(169\.254\.169\.254\))? \(cloud metadata\)$|^destination denied by the outbound policy: [0-9a-f:]+ \(169\.254\.169\.254\) \(cloud metadata\)$/,
    );
  });

  it('says which range refused', () => {
    expect(denial(defaults, 'http://169.254.169.254/')).toBe(
      'destination denied by the outbound policy: 169.254.169.254 (cloud metadata)',
    );
    expect(denial(defaults, 'http://169.254.1.2/')).toMatch(/169\.254\.1\.2 \(link-local\)$/);
    expect(denial(defaults, 'http://[fe80::1]/')).toMatch(/fe80::1 \(link-local\)$/);
    expect(denial(defaults, 'http://100.100.100.200/')).toMatch(/\(cloud metadata \(Alibaba\)\)$/);
    expect(denial(defaults, 'http://[fd00:ec2::254]/')).toMatch(/\(cloud metadata \(AWS IPv6\)\)$/);
    expect(denial(defaults, 'http://0.0.0.0:8080/')).toMatch(/0\.0\.0\.0 \(this network\)$/);
  });

  it('allows loopback, private ranges and names by default', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://[::1]/',
      'http://10.1.2.3/',
      'http://192.168.1.1/',
      'http://example.com/',
    ]) {
      expect(denial(defaults, url)).toBeNull();
    }
  });
});

describe('OutboundPolicy lists', () => {
  it('denies configured ranges in every spelling, and decides by the most specific range', () => {
    const p = policy({ denyCidrs: ['127.0.0.0/8'], allowCidrs: ['127.0.0.5/32'] });
    for (const host of ['127.0.0.1', '2130706433', '0x7f000001', '127.1', '[::ffff:7f00:1]']) {
      expect(denial(p, `http://${host}/`)).toBe(
        'destination denied by the outbound policy: 127.0.0.1 (TASKREST_OUTBOUND_DENY_CIDRS 127.0.0.0/8)',
      );
    }
    expect(denial(p, 'http://127.0.0.5/')).toBeNull();
    // An allow range wider than a built-in deny range does not open it.
    expect(denial(policy({ allowCidrs: ['0.0.0.0/0'] }), 'http://169.254.169.254/')).not.toBeNull();
    expect(
      denial(policy({ allowCidrs: ['169.254.169.254'] }), 'http://169.254.169.254/'),
    ).toBeNull();
  });

  it('restricts ranges to an allow list with a deny-everything range', () => {
    const p = policy({ denyCidrs: ['0.0.0.0/0', '::/0'], allowCidrs: ['10.0.0.0/8'] });
    expect(denial(p, 'http://10.2.3.4/')).toBeNull();
    expect(denial(p, 'http://8.8.8.8/')).toMatch(/TASKREST_OUTBOUND_DENY_CIDRS 0\.0\.0\.0\/0/);
    expect(denial(p, 'http://[2001:db8::1]/')).toMatch(/TASKREST_OUTBOUND_DENY_CIDRS ::\/0/);
  });

  it('denies hosts exactly and by *.domain pattern, in any case and with a trailing dot', () => {
    const p = policy({ denyHosts: ['internal.example.com', '*.corp.example'] });
    expect(denial(p, 'http://INTERNAL.example.com./')).toBe(
      'destination denied by the outbound policy: internal.example.com (TASKREST_OUTBOUND_DENY_HOSTS internal.example.com)',
    );
    expect(denial(p, 'http://a.b.corp.example/')).toMatch(/\*\.corp\.example\)$/);
    expect(denial(p, 'http://corp.example/')).toBeNull();
    expect(denial(p, 'http://other.example.com/')).toBeNull();
  });

  it('refuses a host not on the allow list, IP literals included', () => {
    const p = policy({ allowHosts: ['api.example.com', '*.partner.example', '10.0.0.1'] });
    expect(denial(p, 'https://api.example.com/x')).toBeNull();
    expect(denial(p, 'https://eu.partner.example/')).toBeNull();
    expect(denial(p, 'http://167772161/')).toBeNull(); // 10.0.0.1
    expect(denial(p, 'https://evil.example.com/')).toBe(
      'destination denied by the outbound policy: evil.example.com (not in TASKREST_OUTBOUND_ALLOW_HOSTS)',
    );
    expect(denial(p, 'http://10.0.0.2/')).toMatch(/not in TASKREST_OUTBOUND_ALLOW_HOSTS/);
  });

  it('reads its lists from the configuration, and refuses bad ranges there', () => {
    const config = loadConfig({
      TASKREST_OUTBOUND_DENY_CIDRS: '127.0.0.0/8, ::1/128',
      TASKREST_OUTBOUND_DENY_HOSTS: '*.internal',
    });
    const p = outboundPolicyOf(config);
    expect(denial(p, 'http://127.0.0.1/')).not.toBeNull();
    expect(denial(p, 'http://[::1]/')).not.toBeNull();
    expect(denial(p, 'http://db.internal/')).not.toBeNull();
    expect(() => loadConfig({ TASKREST_OUTBOUND_DENY_CIDRS: '10.0.0.0/33' })).toThrow(
      /TASKREST_OUTBOUND_DENY_CIDRS: expected IP ranges/,
    );
    expect(() => loadConfig({ TASKREST_OUTBOUND_ALLOW_CIDRS: 'example.com' })).toThrow(
      /TASKREST_OUTBOUND_ALLOW_CIDRS/,
    );
  });
});

describe('createPolicyLookup', () => {
  /** A resolver that gives each answer in turn, and counts its calls. */
  function scriptedLookup(answers: string[][]): LookupFunction & { calls: number } {
    const lookup = ((_host: string, options: LookupOptions, callback: LookupCallback) => {
      const addresses = answers[Math.min(lookup.calls, answers.length - 1)] ?? [];
      lookup.calls++;
      const list: LookupAddress[] = addresses.map((address) => ({
        address,
        family: address.includes(':') ? 6 : 4,
      }));
      if (options.all) callback(null, list);
      else callback(null, list[0]?.address ?? '', list[0]?.family);
    }) as unknown as LookupFunction & { calls: number };
    lookup.calls = 0;
    return lookup;
  }

  function resolve(
    lookup: LookupFunction,
    host: string,
    all: boolean,
  ): Promise<{ error: Error | null; address: unknown }> {
    return new Promise((done) =>
      lookup(host, { all }, (error, address) => done({ error, address })),
    );
  }

  it('checks the answer of every lookup: an allowed first answer does not vouch for the second', async () => {
    const base = scriptedLookup([['93.184.216.34'], ['169.254.169.254']]);
    const lookup = createPolicyLookup(policy(), base);
    expect(await resolve(lookup, 'rebind.test', false)).toEqual({
      error: null,
      address: '93.184.216.34',
    });
    const second = await resolve(lookup, 'rebind.test', false);
    expect(second.error).toBeInstanceOf(DestinationDeniedError);
    expect(second.error?.message).toBe(
      'destination denied by the outbound policy: rebind.test resolves to 169.254.169.254 (cloud metadata)',
    );
    expect(base.calls).toBe(2);
  });

  it('refuses a name when any one of its addresses is denied', async () => {
    const base = scriptedLookup([['93.184.216.34', '::ffff:169.254.169.254']]);
    const { error } = await resolve(createPolicyLookup(policy(), base), 'mixed.test', true);
    expect(error?.message).toMatch(/mixed\.test resolves to 169\.254\.169\.254 \(cloud metadata\)/);
  });

  it('refuses a denied host name without resolving it', async () => {
    const base = scriptedLookup([['93.184.216.34']]);
    const lookup = createPolicyLookup(policy({ denyHosts: ['*.test'] }), base);
    const { error } = await resolve(lookup, 'a.test', true);
    expect(error?.message).toMatch(/a\.test \(TASKREST_OUTBOUND_DENY_HOSTS \*\.test\)/);
    expect(base.calls).toBe(0);
  });

  it('passes allowed answers through unchanged, in both callback forms', async () => {
    const base = scriptedLookup([['10.0.0.1', 'fd00::1']]);
    const lookup = createPolicyLookup(policy(), base);
    expect((await resolve(lookup, 'ok.test', true)).address).toEqual([
      { address: '10.0.0.1', family: 4 },
      { address: 'fd00::1', family: 6 },
    ]);
  });
});
