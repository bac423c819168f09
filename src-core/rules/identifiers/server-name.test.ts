import { describe, expect, it } from 'vitest';
import { isIpv6Literal, parseServerName } from './server-name';

describe('parseServerName', () => {
  const valid: [string, string, 'dns' | 'ipv4' | 'ipv6', number | undefined][] = [
    ['matrix.org', 'matrix.org', 'dns', undefined],
    ['matrix.org:8888', 'matrix.org', 'dns', 8888],
    ['localhost', 'localhost', 'dns', undefined],
    ['MATRIX.ORG', 'MATRIX.ORG', 'dns', undefined],
    ['my-server.example.com:443', 'my-server.example.com', 'dns', 443],
    ['1.2.3.4', '1.2.3.4', 'ipv4', undefined],
    ['1.2.3.4:1234', '1.2.3.4', 'ipv4', 1234],
    ['255.255.255.255:65535', '255.255.255.255', 'ipv4', 65535],
    ['[1234:5678::abcd]', '[1234:5678::abcd]', 'ipv6', undefined],
    ['[1234:5678::abcd]:5678', '[1234:5678::abcd]', 'ipv6', 5678],
    ['[::1]', '[::1]', 'ipv6', undefined],
    ['[::]', '[::]', 'ipv6', undefined],
    ['[::ffff:192.0.2.1]:80', '[::ffff:192.0.2.1]', 'ipv6', 80],
    ['[1:2:3:4:5:6:7:8]', '[1:2:3:4:5:6:7:8]', 'ipv6', undefined],
    ['[1:2:3:4:5:6:1.2.3.4]', '[1:2:3:4:5:6:1.2.3.4]', 'ipv6', undefined],
    ['[ABCD:ef01::]', '[ABCD:ef01::]', 'ipv6', undefined],
    ['example.org:0', 'example.org', 'dns', 0],
    ['a'.repeat(255), 'a'.repeat(255), 'dns', undefined],
  ];
  it.each(valid)('accepts %s', (input, host, hostKind, port) => {
    expect(parseServerName(input)).toEqual({ ok: true, value: { host, hostKind, port } });
  });

  const invalid: [string, RegExp][] = [
    ['', /empty/],
    ['example.org:65536', /above 65535/],
    ['example.org:99999', /above 65535/],
    ['example.org:123456', /1–5 digits/],
    ['example.org:', /1–5 digits/],
    ['example.org:80a', /1–5 digits/],
    ['example.org:-1', /1–5 digits/],
    ['example.org:80:80', /1–5 digits/],
    ['1.2.3.256', /IPv4/],
    ['1.2.3.4444', /IPv4/],
    ['[1234:5678::abcd', /closing/],
    ['[1234:5678::abcd]x', /after IPv6/],
    ['[1:2:3:4:5:6:7:8:9]', /IPv6/],
    ['[1::2::3]', /IPv6/],
    ['[12345::1]', /IPv6/],
    ['[::g]', /IPv6/],
    ['[]', /IPv6/],
    ['[1.2.3.4]', /IPv6/],
    ['[fe80::1%eth0]', /IPv6/],
    ['[1:2:3:4:5:6:7::8]', /IPv6/],
    ['[:1:2:3:4:5:6:7]', /IPv6/],
    ['::1', /1–5 digits/],
    [':8448', /DNS/],
    ['exa mple.org', /DNS/],
    ['example..org', /DNS/],
    ['.example.org', /DNS/],
    ['example.org.', /DNS/],
    ['exam_ple.org', /DNS/],
    ['éxample.org', /DNS/],
    ['a'.repeat(256), /longer than 255/],
  ];
  it.each(invalid)('refuses %j', (input, reason) => {
    const result = parseServerName(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('bounds IPv6 literals at 45 characters as the grammar does', () => {
    expect(isIpv6Literal('0000:0000:0000:0000:0000:ffff:255.255.255.255')).toBe(true);
    expect(isIpv6Literal('00000:0000:0000:0000:0000:ffff:255.255.255.255')).toBe(false);
  });
});
