import { describe, expect, it } from 'vitest';
import { parseHost } from '../../shared/outbound/parse-address.js';

describe('parseHost', () => {
  it.each([
    ['169.254.169.254', 'plain'],
    ['2852039166', 'decimal'],
    ['0251.0376.0251.0376', 'octal'],
    ['0251.254.0251.254', 'octal and decimal mixed'],
    ['0xa9.0xfe.0xa9.0xfe', 'hex per part'],
    ['0xA9FEA9FE', 'hex, upper case'],
    ['0xa9fea9fe', 'hex whole'],
    ['169.254.43518', 'short form a.b.c'],
    ['169.16689662', 'short form a.b'],
    ['0xa9.0376.43518', 'short form, mixed bases'],
    ['169.254.169.254.', 'trailing dot'],
    ['::ffff:169.254.169.254', 'IPv4-mapped, dotted'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped, hex'],
    ['[::FFFF:A9FE:A9FE]', 'IPv4-mapped, bracketed, upper case'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', 'IPv4-mapped, expanded'],
    [' 169.254.169.254 ', 'surrounding space'],
  ])('reads %s (%s) as 169.254.169.254', (input) => {
    expect(parseHost(input)).toEqual({ kind: 'ipv4', address: '169.254.169.254' });
  });

  it.each([
    ['2130706433'],
    ['0177.0.0.1'],
    ['0x7f.0x0.0x0.0x1'],
    ['0x7f000001'],
    ['0X7F000001'],
    ['127.1'],
    ['127.0.1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['[::ffff:7f00:1]'],
    ['127.0.0.1.'],
  ])('reads %s as 127.0.0.1', (input) => {
    expect(parseHost(input)).toEqual({ kind: 'ipv4', address: '127.0.0.1' });
  });

  it('canonicalises IPv6: case, brackets, zero runs, zone ids', () => {
    expect(parseHost('[FE80:0:0:0:0:0:0:1%eth0]')).toEqual({ kind: 'ipv6', address: 'fe80::1' });
    expect(parseHost('FD00:EC2:0::254')).toEqual({ kind: 'ipv6', address: 'fd00:ec2::254' });
    expect(parseHost('::')).toEqual({ kind: 'ipv6', address: '::' });
    expect(parseHost('1:0:0:2:0:0:0:3')).toEqual({ kind: 'ipv6', address: '1:0:0:2::3' });
  });

  it('names the IPv4 address inside NAT64 and IPv4-compatible IPv6 addresses', () => {
    expect(parseHost('64:ff9b::169.254.169.254')).toEqual({
      kind: 'ipv6',
      address: '64:ff9b::a9fe:a9fe',
      embeddedIpv4: '169.254.169.254',
    });
    expect(parseHost('::169.254.169.254')).toMatchObject({ embeddedIpv4: '169.254.169.254' });
    expect(parseHost('::1')).toEqual({ kind: 'ipv6', address: '::1' });
  });

  it.each([
    ['6to4', '2002:a9fe:a9fe::1'],
    ['6to4, spelled long', '2002:A9FE:A9FE:0:0:0:0:0'],
    ['NAT64 local-use', '64:ff9b:1::a9fe:a9fe'],
    ['Teredo (client address inverted)', '2001:0:4136:e378:8000:63bf:5601:5601'],
    ['ISATAP', 'fe81::5efe:169.254.169.254'],
    ['ISATAP, universal bit', '2001:db8::200:5efe:a9fe:a9fe'],
  ])('names the IPv4 address inside %s: %s', (_kind, text) => {
    expect(parseHost(text)).toMatchObject({ kind: 'ipv6', embeddedIpv4: '169.254.169.254' });
  });

  it('names no IPv4 address inside ordinary global addresses', () => {
    expect(parseHost('2001:db8::1')).toEqual({ kind: 'ipv6', address: '2001:db8::1' });
    expect(parseHost('2606:4700::6810:84e5')).toEqual({
      kind: 'ipv6',
      address: '2606:4700::6810:84e5',
    });
  });

  it('leaves names as names: lower case, no trailing dot', () => {
    expect(parseHost('Metadata.Google.Internal.')).toEqual({
      kind: 'name',
      name: 'metadata.google.internal',
    });
    expect(parseHost('LOCALHOST')).toEqual({ kind: 'name', name: 'localhost' });
  });

  it('does not take out-of-range or malformed numbers for addresses', () => {
    expect(parseHost('256.0.0.1').kind).toBe('name');
    expect(parseHost('1.2.3.4.5').kind).toBe('name');
    expect(parseHost('08.0.0.1').kind).toBe('name');
    expect(parseHost('4294967296').kind).toBe('name');
    expect(parseHost('4294967295')).toEqual({ kind: 'ipv4', address: '255.255.255.255' });
  });
});
