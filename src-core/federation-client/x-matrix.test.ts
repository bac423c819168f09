import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64 } from '../rules/base64';
import { signJson } from '../rules/signing/sign-json';
import type { SigningKey } from '../rules/signing/signing-key';
import { signingKeyFromSeed } from '../rules/signing/signing-key';
import { initCrypto } from '../rules/signing/sodium';
import {
  buildXMatrixAuthorization,
  formatXMatrixHeader,
  parseXMatrixHeader,
  signedRequestJson,
  verifyXMatrixSignature,
  XMatrixParseError,
} from './x-matrix';

// The spec appendix's signing key ("Signing JSON" examples).
const SPEC_SEED = 'YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1';
let key: SigningKey;
let otherKey: SigningKey;

beforeAll(async () => {
  await initCrypto();
  key = signingKeyFromSeed(decodeBase64(SPEC_SEED), '1');
  otherKey = signingKeyFromSeed(new Uint8Array(32).fill(7), 'other');
});

describe('parseXMatrixHeader', () => {
  it('parses the spec example header', () => {
    expect(
      parseXMatrixHeader(
        'X-Matrix origin="origin.hs.example.com",destination="destination.hs.example.com",key="ed25519:key1",sig="ABCDEF..."',
      ),
    ).toEqual({
      origin: 'origin.hs.example.com',
      destination: 'destination.hs.example.com',
      key: 'ed25519:key1',
      sig: 'ABCDEF...',
    });
  });

  it('accepts unquoted values, spaces, any case, and a missing destination', () => {
    expect(
      parseXMatrixHeader('x-matrix  Origin=a.example:8448 , KEY = ed25519:k ,sig=AbC+/x=='),
    ).toEqual({
      origin: 'a.example:8448',
      destination: undefined,
      key: 'ed25519:k',
      sig: 'AbC+/x==',
    });
  });

  it('keeps commas and escaped quotes inside quoted values and ignores unknown params', () => {
    expect(
      parseXMatrixHeader(
        'X-Matrix origin="a,b",extra="x, \\"y\\"",key="ed25519:1",sig="s",destination="d"',
      ),
    ).toEqual({ origin: 'a,b', destination: 'd', key: 'ed25519:1', sig: 's' });
  });

  it.each([
    ['Bearer abc', /not X-Matrix/],
    ['X-Matrix', /no origin/],
    ['X-Matrix origin="a",key="ed25519:1"', /no sig/],
    ['X-Matrix origin="a,key="ed25519:1",sig="s"', /unterminated|expected/],
    ['X-Matrix origin="a" key="k",sig="s"', /expected ","/],
    ['X-Matrix origin="a",origin="b",key="k",sig="s"', /twice/],
    ['X-Matrix origin,key="k",sig="s"', /no "="/],
  ])('rejects %s', (header, message) => {
    expect(() => parseXMatrixHeader(header)).toThrowError(XMatrixParseError);
    expect(() => parseXMatrixHeader(header)).toThrowError(message);
  });

  it('round-trips what formatXMatrixHeader writes', () => {
    const credentials = { origin: 'o"dd', destination: 'd\\x', key: 'ed25519:1', sig: 'abc' };
    expect(parseXMatrixHeader(formatXMatrixHeader(credentials))).toEqual(credentials);
  });
});

describe('buildXMatrixAuthorization / verifyXMatrixSignature', () => {
  const fields = {
    method: 'PUT',
    uri: '/_matrix/federation/v1/send/txn1?x=%20y',
    origin: 'origin.hs.example.com',
    destination: 'destination.hs.example.com',
    content: { pdus: [], edus: [{ edu_type: 'm.typing', content: {} }] },
  };

  it('signs the request JSON the spec describes', () => {
    const header = buildXMatrixAuthorization(fields, key);
    const credentials = parseXMatrixHeader(header);
    const expected = signJson(
      {
        method: 'PUT',
        uri: fields.uri,
        origin: fields.origin,
        destination: fields.destination,
        content: fields.content,
      },
      fields.origin,
      key,
    ).signatures[fields.origin]?.['ed25519:1'];
    expect(credentials).toEqual({
      origin: fields.origin,
      destination: fields.destination,
      key: 'ed25519:1',
      sig: expected,
    });
    expect(header).toBe(
      `X-Matrix origin="origin.hs.example.com",destination="destination.hs.example.com",key="ed25519:1",sig="${expected}"`,
    );
    expect(verifyXMatrixSignature(fields, credentials, key.publicKey)).toBe(true);
  });

  it('omits content for bodiless requests', () => {
    const { content: _content, ...bodiless } = fields;
    expect(signedRequestJson(bodiless)).not.toHaveProperty('content');
    const credentials = parseXMatrixHeader(buildXMatrixAuthorization(bodiless, key));
    expect(verifyXMatrixSignature(bodiless, credentials, key.publicKey)).toBe(true);
    expect(verifyXMatrixSignature({ ...bodiless, content: {} }, credentials, key.publicKey)).toBe(
      false,
    );
  });

  it('fails for any changed field or another key', () => {
    const credentials = parseXMatrixHeader(buildXMatrixAuthorization(fields, key));
    for (const change of [
      { method: 'POST' },
      { uri: '/_matrix/federation/v1/send/txn2' },
      { destination: 'elsewhere' },
      { content: { pdus: [] } },
    ]) {
      expect(verifyXMatrixSignature({ ...fields, ...change }, credentials, key.publicKey)).toBe(
        false,
      );
    }
    expect(verifyXMatrixSignature(fields, credentials, otherKey.publicKey)).toBe(false);
    expect(verifyXMatrixSignature(fields, { ...credentials, sig: '!!' }, key.publicKey)).toBe(
      false,
    );
  });
});
