import { describe, expect, it } from 'vitest';
import {
  DestinationDeniedError,
  DestinationPolicy,
  isLoopbackServerName,
} from './destination-policy';
import { FederationRequestError } from './federation-request-error';

describe('DestinationPolicy', () => {
  it('allows everyone by default, loopback included', () => {
    const policy = DestinationPolicy.allowAll();
    for (const name of ['matrix.org', '127.0.0.1:8448', 'localhost:9000', '[::1]:8448']) {
      expect(policy.allows(name)).toBe(true);
    }
  });

  it('denies by whole name or by host, case-insensitively, with globs', () => {
    const policy = new DestinationPolicy({
      allow: undefined,
      deny: ['*.evil.example', 'bad.example:8448', 'Spam?.org'],
    });
    expect(policy.allows('a.evil.example')).toBe(false);
    expect(policy.allows('A.EVIL.example:443')).toBe(false);
    expect(policy.allows('evil.example')).toBe(true); // `*.` needs a label before the dot
    expect(policy.allows('bad.example:8448')).toBe(false);
    expect(policy.allows('bad.example:9999')).toBe(true); // the pattern names a port
    expect(policy.allows('spam1.org')).toBe(false);
    expect(policy.allows('spam12.org')).toBe(true);
    expect(policy.allows('good.example')).toBe(true);
  });

  it('with an allow list: only those, plus loopback unless loopback is denied', () => {
    const policy = new DestinationPolicy({ allow: ['*.friends.example'], deny: ['127.0.0.2'] });
    expect(policy.allows('a.friends.example')).toBe(true);
    expect(policy.allows('stranger.example')).toBe(false);
    expect(policy.allows('127.0.0.1:8448')).toBe(true);
    expect(policy.allows('localhost:8448')).toBe(true);
    expect(policy.allows('[::1]:8448')).toBe(true);
    expect(policy.allows('127.0.0.2:8448')).toBe(false);
    // deny wins over allow
    const both = new DestinationPolicy({ allow: ['*'], deny: ['x.example'] });
    expect(both.allows('x.example')).toBe(false);
    expect(both.allows('y.example')).toBe(true);
  });

  it('an empty allow list still lets loopback through and nothing else', () => {
    const policy = new DestinationPolicy({ allow: [], deny: [] });
    expect(policy.allows('127.0.0.1:1')).toBe(true);
    expect(policy.allows('matrix.org')).toBe(false);
  });

  it('knows loopback server names', () => {
    expect(isLoopbackServerName('127.9.9.9:1')).toBe(true);
    expect(isLoopbackServerName('LOCALHOST')).toBe(true);
    expect(isLoopbackServerName('[::1]')).toBe(true);
    expect(isLoopbackServerName('128.0.0.1')).toBe(false);
    expect(isLoopbackServerName('localhost.evil.example')).toBe(false);
    expect(isLoopbackServerName('[::2]:8448')).toBe(false);
  });

  it('its error is a FederationRequestError of kind denied that callers treat as unreachable', () => {
    const error = new DestinationDeniedError('x.example', 'GET', '/_matrix/federation/v1/version');
    expect(error).toBeInstanceOf(FederationRequestError);
    expect(error.kind).toBe('denied');
    expect(error.isServerUnreachable).toBe(true);
    expect(error.message).toContain('x.example');
  });
});
