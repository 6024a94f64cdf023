import { BlockList } from 'node:net';
import { parseHost } from './parse-address.js';

/** One CIDR range of the outbound policy, with what it is (for messages). */
export interface IpRange {
  /** Canonical text: `169.254.0.0/16`. */
  readonly cidr: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly prefix: number;
  /** Said in a denial: `cloud metadata`, `TASKREST_OUTBOUND_DENY_CIDRS 10.0.0.0/8`. */
  readonly label: string;
}

/**
 * Parses `address/prefix` (or a bare address: one host). The address may be
 * spelled any way parseHost accepts; IPv4-mapped ranges (`::ffff:a.b.c.d/120`)
 * become the IPv4 range they map. Throws an Error naming the text.
 */
export function parseCidr(text: string, label = text): IpRange {
  const [addressText = '', prefixText, extra] = text.trim().split('/');
  const host = parseHost(addressText);
  if (host.kind === 'name' || extra !== undefined) throw new Error(`not a CIDR range: ${text}`);
  const mappedFromIpv6 = host.kind === 'ipv4' && addressText.includes(':');
  const bits = host.kind === 'ipv4' ? 32 : 128;
  let prefix = prefixText === undefined ? bits : Number(prefixText);
  // `::ffff:169.254.0.0/112` is `169.254.0.0/16`.
  if (mappedFromIpv6 && prefixText !== undefined) prefix -= 96;
  const badText = prefixText !== undefined && !/^\d+$/.test(prefixText);
  if (badText || !Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new Error(`not a CIDR range: ${text} (prefix length 0-${bits} expected)`);
  }
  return { cidr: `${host.address}/${prefix}`, family: host.kind, prefix, label };
}

/**
 * A set of ranges that answers "which is the most specific range containing
 * this address" (node:net's BlockList does the bit arithmetic; one per range
 * so that the match can be named).
 */
export class IpRanges {
  readonly #entries: { range: IpRange; list: BlockList }[];

  constructor(ranges: readonly IpRange[]) {
    this.#entries = ranges.map((range) => {
      const list = new BlockList();
      const [address = ''] = range.cidr.split('/');
      list.addSubnet(address, range.prefix, range.family);
      return { range, list };
    });
  }

  /** The longest-prefix range that contains `address` (canonical, of `family`), if any. */
  match(address: string, family: 'ipv4' | 'ipv6'): IpRange | undefined {
    let best: IpRange | undefined;
    for (const { range, list } of this.#entries) {
      if (range.family !== family || !list.check(address, family)) continue;
      if (!best || range.prefix > best.prefix) best = range;
    }
    return best;
  }
}
