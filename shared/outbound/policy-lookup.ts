import dns from 'node:dns';
import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { OutboundPolicy } from './outbound-policy.js';

/**
 * A DNS lookup for undici's connect hook that refuses a host when ANY of its
 * resolved addresses is denied. The answer checked is the very answer the
 * socket connects to, so a name that resolves to an allowed address when
 * someone checks and to a denied one when the connection is made (DNS
 * rebinding) cannot slip through: there is no earlier check to fool.
 * Node and undici skip lookups for IP literals; the agent pool's `checkHost` checks those.
 */
export function createPolicyLookup(
  policy: OutboundPolicy,
  base: LookupFunction = dns.lookup,
): LookupFunction {
  return (hostname, options, callback) => {
    try {
      policy.checkHost(hostname);
    } catch (denied) {
      callback(denied as NodeJS.ErrnoException, '', 0);
      return;
    }
    base(hostname, options, (err, address, family) => {
      if (err) return callback(err, address, family);
      const answers: LookupAddress[] = Array.isArray(address)
        ? address
        : [{ address, family: family ?? 0 }];
      try {
        for (const answer of answers) policy.checkResolved(hostname, answer.address);
      } catch (denied) {
        return callback(denied as NodeJS.ErrnoException, '', 0);
      }
      callback(null, address, family);
    });
  };
}
