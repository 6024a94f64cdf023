import type { Config } from '../config.js';
import { DestinationDeniedError } from './destination-denied-error.js';
import { IpRanges, parseCidr, type IpRange } from './ip-ranges.js';
import { parseHost, type ParsedHost } from './parse-address.js';

/**
 * Ranges refused unless an allow range is more specific: cloud metadata
 * endpoints, link-local (where the metadata endpoints live), and "this
 * network" addresses that reach the local host. Their IPv4-mapped spellings
 * are listed too, although parseHost already maps them to IPv4.
 * Loopback and private ranges are allowed by default: tests and real
 * deployments reach services there (deny them with TASKREST_OUTBOUND_DENY_CIDRS).
 */
export const DEFAULT_DENY_CIDRS: readonly IpRange[] = Object.freeze(
  (
    [
      ['169.254.169.254/32', 'cloud metadata'],
      ['169.254.170.2/32', 'cloud metadata (AWS ECS)'],
      ['169.254.0.0/16', 'link-local'],
      ['::ffff:169.254.0.0/112', 'link-local'],
      ['fe80::/10', 'link-local'],
      ['100.100.100.200/32', 'cloud metadata (Alibaba)'],
      ['::ffff:100.100.100.200/128', 'cloud metadata (Alibaba)'],
      ['fd00:ec2::254/128', 'cloud metadata (AWS IPv6)'],
      ['0.0.0.0/8', 'this network'],
      ['::ffff:0.0.0.0/104', 'this network'],
      ['::/128', 'unspecified address'],
    ] as const
  ).map(([cidr, label]) => parseCidr(cidr, label)),
);

/** The policy's four lists, as in the configuration. */
export interface OutboundPolicyOptions {
  /** Host names (or IP addresses) requests may go to; empty: any. `*.example.com` matches its subdomains. */
  readonly allowHosts: readonly string[];
  /** Host names (or IP addresses) requests may not go to; `*.example.com` matches its subdomains. */
  readonly denyHosts: readonly string[];
  /** Ranges allowed even inside a less specific deny range. */
  readonly allowCidrs: readonly string[];
  /** Ranges refused in addition to DEFAULT_DENY_CIDRS. */
  readonly denyCidrs: readonly string[];
}

interface HostPattern {
  readonly text: string;
  matches(host: string): boolean;
}

/**
 * Where requests may go. Hosts are judged by name (allow and deny lists),
 * addresses by range: the most specific matching range decides (so
 * allowing 0.0.0.0/0 does not open 169.254.169.254/32, allowing exactly it
 * does), a configured deny winning a tie, no match allows. Every check throws a
 * DestinationDeniedError to refuse.
 */
export class OutboundPolicy {
  readonly #allowHosts: HostPattern[];
  readonly #denyHosts: HostPattern[];
  readonly #allowRanges: IpRanges;
  readonly #denyRanges: IpRanges;

  constructor(options: OutboundPolicyOptions) {
    this.#allowHosts = options.allowHosts.map(hostPattern);
    this.#denyHosts = options.denyHosts.map(hostPattern);
    this.#allowRanges = new IpRanges(
      options.allowCidrs.map((c) => parseCidr(c, `TASKREST_OUTBOUND_ALLOW_CIDRS ${c}`)),
    );
    this.#denyRanges = new IpRanges([
      ...DEFAULT_DENY_CIDRS,
      ...options.denyCidrs.map((c) => parseCidr(c, `TASKREST_OUTBOUND_DENY_CIDRS ${c}`)),
    ]);
  }

  /**
   * Checks a request URL before it is sent (every hop): the host lists, and
   * for an IP literal its range, since no DNS lookup will see it.
   */
  checkUrl(url: URL): void {
    this.checkDestination(url.hostname);
  }

  /**
   * The host lists, and for an IP literal its range: everything that can be
   * judged about a destination before (or without) a DNS lookup.
   */
  checkDestination(hostname: string): void {
    // Checked twice per request (its URL, then at connect time) for the few
    // hosts a worker talks to: a host allowed once is allowed (the policy
    // never changes). A refusal is judged afresh, to throw its own error.
    if (this.#allowedHosts.has(hostname)) return;
    const host = this.checkHost(hostname);
    if (host.kind !== 'name') this.#checkIp(host, hostText(host));
    if (this.#allowedHosts.size >= 10_000) this.#allowedHosts.clear();
    this.#allowedHosts.add(hostname);
  }

  readonly #allowedHosts = new Set<string>();

  /** The host lists only; returns the canonical host. */
  checkHost(hostname: string): ParsedHost {
    const host = parseHost(hostname);
    const text = hostText(host);
    const denied = this.#denyHosts.find((p) => p.matches(text));
    if (denied)
      throw new DestinationDeniedError(text, `TASKREST_OUTBOUND_DENY_HOSTS ${denied.text}`);
    if (this.#allowHosts.length > 0 && !this.#allowHosts.some((p) => p.matches(text))) {
      throw new DestinationDeniedError(text, 'not in TASKREST_OUTBOUND_ALLOW_HOSTS');
    }
    return host;
  }

  /** A resolved address of `hostname`, at connect time. */
  checkResolved(hostname: string, address: string): void {
    const host = parseHost(address);
    if (host.kind === 'name') {
      throw new DestinationDeniedError(`${hostname} resolves to ${address}`, 'not an IP address');
    }
    const name = parseHost(hostname);
    const shown =
      hostText(name) === hostText(host)
        ? hostText(host)
        : `${hostText(name)} resolves to ${hostText(host)}`;
    this.#checkIp(host, shown);
  }

  #checkIp(host: Exclude<ParsedHost, { kind: 'name' }>, shown: string): void {
    const denial = this.#denialOf(host.address, host.kind);
    if (denial) throw new DestinationDeniedError(shown, denial.label);
    if (host.kind === 'ipv6' && host.embeddedIpv4) {
      const embedded = this.#denialOf(host.embeddedIpv4, 'ipv4');
      if (embedded) {
        throw new DestinationDeniedError(`${shown} (${host.embeddedIpv4})`, embedded.label);
      }
    }
  }

  /**
   * Range matching costs a BlockList check per range; a worker talks to few
   * addresses, so decisions are remembered (the policy never changes).
   */
  readonly #decisions = new Map<string, IpRange | null>();

  #denialOf(address: string, family: 'ipv4' | 'ipv6'): IpRange | undefined {
    const key = `${family} ${address}`;
    let decision = this.#decisions.get(key);
    if (decision === undefined) {
      if (this.#decisions.size >= 10_000) this.#decisions.clear();
      decision = this.#decide(address, family) ?? null;
      this.#decisions.set(key, decision);
    }
    return decision ?? undefined;
  }

  #decide(address: string, family: 'ipv4' | 'ipv6'): IpRange | undefined {
    const deny = this.#denyRanges.match(address, family);
    if (!deny) return undefined;
    const allow = this.#allowRanges.match(address, family);
    if (!allow || allow.prefix < deny.prefix) return deny;
    // Equal ranges: an operator's allow opens a built-in range; against their own deny, deny wins.
    if (allow.prefix === deny.prefix && !DEFAULT_DENY_CIDRS.includes(deny)) return deny;
    return undefined;
  }
}

/** The policy of a worker process, from TASKREST_OUTBOUND_*. */
export function outboundPolicyOf(
  config: Pick<
    Config,
    'outboundAllowHosts' | 'outboundDenyHosts' | 'outboundAllowCidrs' | 'outboundDenyCidrs'
  >,
): OutboundPolicy {
  return new OutboundPolicy({
    allowHosts: config.outboundAllowHosts,
    denyHosts: config.outboundDenyHosts,
    allowCidrs: config.outboundAllowCidrs,
    denyCidrs: config.outboundDenyCidrs,
  });
}

function hostText(host: ParsedHost): string {
  return host.kind === 'name' ? host.name : host.address;
}

/** `api.example.com` (exactly that host, any spelling), or `*.example.com` (its subdomains). */
function hostPattern(text: string): HostPattern {
  const trimmed = text.trim().toLowerCase();
  if (trimmed.startsWith('*.')) {
    const suffix = `.${hostText(parseHost(trimmed.slice(2)))}`;
    return { text, matches: (host) => host.endsWith(suffix) };
  }
  const exact = hostText(parseHost(trimmed));
  return { text, matches: (host) => host === exact };
}
