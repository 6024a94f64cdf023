import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * A host as the outbound policy sees it: an IP address in its one canonical
 * spelling, or a host name in lower case without a trailing dot.
 *
 * `embeddedIpv4` is the IPv4 address an IPv6 address carries where the
 * network may route it to that IPv4 host (NAT64, 6to4, Teredo, ISATAP, the
 * old IPv4-compatible `::a.b.c.d`); the policy checks both. IPv4-mapped
 * addresses (`::ffff:a.b.c.d`) are not IPv6 at all on the wire: they come
 * back as the IPv4 address itself.
 */
export type ParsedHost =
  | { readonly kind: 'ipv4'; readonly address: string }
  | { readonly kind: 'ipv6'; readonly address: string; readonly embeddedIpv4?: string }
  | { readonly kind: 'name'; readonly name: string };

/**
 * Canonicalises a host. Every spelling of an IPv4 address that resolvers
 * and URL parsers accept (inet_aton's): decimal `2130706433`, octal
 * `0177.0.0.1`, hex `0x7f.0x0.0x0.0x1` and `0x7f000001`, short forms
 * `127.1`; IPv6 in any case, bracketed or not, with a zone id; IPv4-mapped
 * IPv6 `::ffff:127.0.0.1` / `::ffff:7f00:1` (→ `127.0.0.1`); a trailing dot.
 */
export function parseHost(input: string): ParsedHost {
  let host = input.trim().toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.includes(':')) {
    const ipv6 = parseIpv6(host);
    if (ipv6) return ipv6;
  }
  // A trailing dot names the same host (the DNS root); `127.0.0.1.` too.
  if (host.endsWith('.') && host.length > 1) host = host.slice(0, -1);
  const ipv4 = parseIpv4(host);
  if (ipv4 !== null) return { kind: 'ipv4', address: formatIpv4(ipv4) };
  return { kind: 'name', name: host };
}

/** The IP address of a parsed host, in the form the policy compares, or null for a name. */
export function ipOf(host: ParsedHost): { family: 'ipv4' | 'ipv6'; address: string } | null {
  return host.kind === 'name' ? null : { family: host.kind, address: host.address };
}

/**
 * inet_aton's forms (one to four parts, each decimal, octal or hex), as a
 * 32-bit number, or null. ipaddr.js parses them as resolvers do.
 */
function parseIpv4(text: string): number | null {
  if (!ipaddr.IPv4.isValid(text)) return null;
  return ipaddr.IPv4.parse(text)
    .toByteArray()
    .reduce((sum, byte) => sum * 256 + byte, 0);
}

function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

/**
 * IPv6 stays hand-parsed (with node:net's validation): ipaddr.js rewrites the
 * IPv4-compatible `::a.b.c.d` as IPv4-mapped `::ffff:a.b.c.d`, a different
 * address, which the tests catch.
 */
function parseIpv6(text: string): ParsedHost | null {
  // The zone (`fe80::1%eth0`) picks an interface, not another address.
  const address = text.split('%', 1)[0] ?? '';
  if (!isIPv6(address)) return null;
  const groups = expandIpv6(address);
  const tail = groups[6]! * 65536 + groups[7]!;
  const head = (count: number) => groups.slice(0, count);
  const zeros = (list: number[]) => list.every((g) => g === 0);
  if (zeros(head(5)) && groups[5] === 0xffff) return { kind: 'ipv4', address: formatIpv4(tail) };
  const canonical = formatIpv6(groups);
  const embedded = embeddedIpv4Of(groups);
  return embedded === null
    ? { kind: 'ipv6', address: canonical }
    : { kind: 'ipv6', address: canonical, embeddedIpv4: formatIpv4(embedded) };
}

/**
 * The IPv4 host an IPv6 address reaches through a translation or tunnel
 * mechanism, as a 32-bit number, or null:
 * - NAT64, well-known `64:ff9b::/96` and local-use `64:ff9b:1::/48` (RFC 6052, 8215): the last 32 bits;
 * - IPv4-compatible `::a.b.c.d` (deprecated, still parsed by stacks): the last 32 bits;
 * - 6to4 `2002:AABB:CCDD::/16` (RFC 3056): bits 16-47;
 * - Teredo `2001:0::/32` (RFC 4380): the client address, the last 32 bits inverted;
 * - ISATAP `…:0:5efe:a.b.c.d` / `…:200:5efe:a.b.c.d` (RFC 5214): the last 32 bits.
 */
function embeddedIpv4Of(groups: readonly number[]): number | null {
  const g = (i: number) => groups[i] ?? 0;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((x) => x === 0);
  const tail = g(6) * 65536 + g(7);
  if (g(0) === 0x64 && g(1) === 0xff9b && zeros(2, 6)) return tail;
  if (g(0) === 0x64 && g(1) === 0xff9b && g(2) === 1) return tail;
  if (zeros(0, 6) && tail > 1) return tail;
  if (g(0) === 0x2002) return g(1) * 65536 + g(2);
  if (g(0) === 0x2001 && g(1) === 0) return (0xffffffff - tail) >>> 0;
  if ((g(4) === 0 || g(4) === 0x200) && g(5) === 0x5efe) return tail;
  return null;
}

/** Eight 16-bit groups of a valid IPv6 address (dotted IPv4 tail included). */
function expandIpv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!) ?? 0;
    text = `${text.slice(0, dotted.index)}${Math.floor(v4 / 65536).toString(16)}:${(v4 % 65536).toString(16)}`;
  }
  const [left = '', right] = text.split('::');
  const toGroups = (s: string) => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const head = toGroups(left);
  if (right === undefined) return head;
  const tail = toGroups(right);
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** RFC 5952 text: lower case, the longest run of two or more zero groups as `::`. */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}
