import type { SrvRecord } from 'node:dns';
import { describe, expect, it } from 'vitest';
import type { WellKnownAnswer } from './server-discovery';
import {
  ServerDiscovery,
  ServerDiscoveryError,
  WELL_KNOWN_DEFAULT_CACHE_MS,
  WELL_KNOWN_FAILURE_CACHE_MS,
  WELL_KNOWN_MAX_CACHE_MS,
  WELL_KNOWN_MIN_CACHE_MS,
  wellKnownCacheMs,
} from './server-discovery';

function srv(name: string, port: number, priority = 10, weight = 5): SrvRecord {
  return { name, port, priority, weight };
}

function discovery(options: {
  srv?: Record<string, SrvRecord[]>;
  wellKnown?: Record<string, WellKnownAnswer | Error>;
}) {
  const calls = { srv: [] as string[], wellKnown: [] as string[] };
  let now = 1_000_000;
  const d = new ServerDiscovery({
    clock: { now: () => now },
    resolveSrv: async (name) => {
      calls.srv.push(name);
      const records = options.srv?.[name];
      if (!records) throw Object.assign(new Error('queryNotFound'), { code: 'ENOTFOUND' });
      return records;
    },
    fetchWellKnown: async (host) => {
      calls.wellKnown.push(host);
      const answer = options.wellKnown?.[host];
      if (answer === undefined) return { status: 404, body: '', cacheControl: undefined };
      if (answer instanceof Error) throw answer;
      return answer;
    },
  });
  return { d, calls, advance: (ms: number) => (now += ms) };
}

const ok = (server: string, cacheControl?: string): WellKnownAnswer => ({
  status: 200,
  body: JSON.stringify({ 'm.server': server }),
  cacheControl,
});

describe('ServerDiscovery.resolve', () => {
  it('step 1: IP literals connect directly, default port 8448, no SNI, no lookups', async () => {
    const { d, calls } = discovery({});
    expect(await d.resolve('1.2.3.4')).toEqual([
      { connectHost: '1.2.3.4', port: 8448, hostHeader: '1.2.3.4', tlsServerName: undefined },
    ]);
    expect(await d.resolve('[::1]:8080')).toEqual([
      { connectHost: '::1', port: 8080, hostHeader: '[::1]:8080', tlsServerName: undefined },
    ]);
    expect(calls).toEqual({ srv: [], wellKnown: [] });
  });

  it('step 2: an explicit port skips well-known and SRV', async () => {
    const { d, calls } = discovery({});
    expect(await d.resolve('example.org:9000')).toEqual([
      {
        connectHost: 'example.org',
        port: 9000,
        hostHeader: 'example.org:9000',
        tlsServerName: 'example.org',
      },
    ]);
    expect(calls).toEqual({ srv: [], wellKnown: [] });
  });

  it('step 3: well-known delegation to an IP literal, or to a host with a port', async () => {
    const { d } = discovery({
      wellKnown: { 'a.org': ok('5.6.7.8'), 'b.org': ok('matrix.b.org:443') },
    });
    expect(await d.resolve('a.org')).toEqual([
      { connectHost: '5.6.7.8', port: 8448, hostHeader: '5.6.7.8', tlsServerName: undefined },
    ]);
    expect(await d.resolve('b.org')).toEqual([
      {
        connectHost: 'matrix.b.org',
        port: 443,
        hostHeader: 'matrix.b.org:443',
        tlsServerName: 'matrix.b.org',
      },
    ]);
  });

  it('step 3: a delegated hostname without port uses its SRV records, Host = delegated name', async () => {
    const { d, calls } = discovery({
      wellKnown: { 'c.org': ok('m.c.org') },
      srv: {
        '_matrix-fed._tcp.m.c.org': [srv('backup.c.org.', 8449, 20), srv('main.c.org.', 8448, 10)],
      },
    });
    expect(await d.resolve('c.org')).toEqual([
      { connectHost: 'main.c.org', port: 8448, hostHeader: 'm.c.org', tlsServerName: 'm.c.org' },
      { connectHost: 'backup.c.org', port: 8449, hostHeader: 'm.c.org', tlsServerName: 'm.c.org' },
    ]);
    expect(calls.srv).toEqual(['_matrix-fed._tcp.m.c.org']);
  });

  it('step 3: falls back to the deprecated _matrix._tcp, then to port 8448', async () => {
    const { d, calls } = discovery({
      wellKnown: { 'd.org': ok('m.d.org'), 'e.org': ok('m.e.org') },
      srv: { '_matrix._tcp.m.d.org': [srv('old.d.org', 1234)] },
    });
    expect(await d.resolve('d.org')).toEqual([
      { connectHost: 'old.d.org', port: 1234, hostHeader: 'm.d.org', tlsServerName: 'm.d.org' },
    ]);
    expect(await d.resolve('e.org')).toEqual([
      { connectHost: 'm.e.org', port: 8448, hostHeader: 'm.e.org', tlsServerName: 'm.e.org' },
    ]);
    expect(calls.srv).toEqual([
      '_matrix-fed._tcp.m.d.org',
      '_matrix._tcp.m.d.org',
      '_matrix-fed._tcp.m.e.org',
      '_matrix._tcp.m.e.org',
    ]);
  });

  it('step 4: without (valid) well-known, SRV and 8448 apply to the server name itself', async () => {
    const { d } = discovery({
      wellKnown: {
        'f.org': { status: 200, body: '{"m.server": 5}', cacheControl: undefined },
        'g.org': new Error('ECONNREFUSED'),
      },
      srv: { '_matrix-fed._tcp.f.org': [srv('fed.f.org', 443)] },
    });
    expect(await d.resolve('f.org')).toEqual([
      { connectHost: 'fed.f.org', port: 443, hostHeader: 'f.org', tlsServerName: 'f.org' },
    ]);
    expect(await d.resolve('g.org')).toEqual([
      { connectHost: 'g.org', port: 8448, hostHeader: 'g.org', tlsServerName: 'g.org' },
    ]);
  });

  it('caches well-known answers per Cache-Control and failures briefly', async () => {
    const { d, calls, advance } = discovery({
      wellKnown: { 'h.org': ok('m.h.org:1', 'max-age=3600') },
    });
    await d.resolve('h.org');
    await d.resolve('h.org');
    expect(calls.wellKnown).toEqual(['h.org']);
    advance(3600 * 1000 + 1);
    await d.resolve('h.org');
    expect(calls.wellKnown).toEqual(['h.org', 'h.org']);

    await d.resolve('missing.org');
    advance(WELL_KNOWN_FAILURE_CACHE_MS - 1);
    await d.resolve('missing.org');
    expect(calls.wellKnown.filter((h) => h === 'missing.org')).toHaveLength(1);
    advance(2);
    await d.resolve('missing.org');
    expect(calls.wellKnown.filter((h) => h === 'missing.org')).toHaveLength(2);
  });

  it('refuses invalid server names', async () => {
    const { d } = discovery({});
    await expect(d.resolve('bad host')).rejects.toThrowError(ServerDiscoveryError);
  });
});

describe('wellKnownCacheMs', () => {
  it.each([
    [undefined, WELL_KNOWN_DEFAULT_CACHE_MS],
    ['public, max-age=7200', 7_200_000],
    ['max-age=1', WELL_KNOWN_MIN_CACHE_MS],
    ['max-age=99999999', WELL_KNOWN_MAX_CACHE_MS],
    ['no-store', WELL_KNOWN_MIN_CACHE_MS],
    ['max-age=abc', WELL_KNOWN_DEFAULT_CACHE_MS],
  ])('%s → %d ms', (header, expected) => {
    expect(wellKnownCacheMs(header)).toBe(expected);
  });
});
