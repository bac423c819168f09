/**
 * Independent cross-check against the Python libraries Synapse itself signs with
 * (`signedjson`, `canonicaljson`, Debian packages python3-signedjson / python3-canonicaljson).
 * Both directions, one batched python call each: Python verifies what we signed and re-derives
 * our canonical bytes and hashes; we verify what Python signed and must produce identical
 * signatures (Ed25519 is deterministic).
 *
 * Missing Python modules are a failure, not a skip: this is the only check that our encoding
 * agrees byte for byte with another implementation.
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBase64, encodeBase64 } from '../base64';
import { canonicalJson } from '../canonical-json/canonical-json';
import { computeContentHash } from '../hashes/content-hash';
import { computeReferenceHash } from '../hashes/reference-hash';
import type { JsonObject } from '../json';
import { redactPdu } from '../redaction';
import { getRoomVersion } from '../room-versions';
import { SPEC_SEED_BASE64 } from './fixtures/spec-vectors';
import { signJson } from './sign-json';
import type { SigningKey } from './signing-key';
import { signingKeyFromSeed } from './signing-key';
import { initCrypto } from './sodium';
import { verifyJsonSignature } from './verify-json';

const PYTHON = '/usr/bin/python3';
const SERVER = 'cross.example';
const KEY_VERSION = 'a_Xy1';
const INSTALL_HINT =
  'the Python cross-check needs /usr/bin/python3 with the signedjson and canonicaljson modules: ' +
  'install them with `apt-get install python3-signedjson python3-canonicaljson`';

/** Varied values: Unicode ordering traps, escapes, integer edges, nesting, PDU shapes. */
const CASES: readonly JsonObject[] = [
  {},
  { one: 1, two: 'Two' },
  { a: { b: { c: [1, [2, [3, { d: null }]]] } }, e: [true, false, null] },
  { 本: 2, 日: 1, a: '日本語', é: 'e\u0301', ß: 'ẞ' },
  { '😀': 1, '\uffff': 2, '\ue000': 3, a: 4, '𝔸': 5, '𝔸b': 6, '𐀀': 7 },
  { ctl: '\u0000\u0001\b\t\n\u000b\f\r\u001f', del: '\u007f', ls: '\u2028\u2029', ['k\n\t']: 1 },
  { quotes: '"\'\\/', html: '<script>&amp;</script>', ['"key"']: '\\' },
  { max: 9007199254740991, min: -9007199254740991, zero: 0, negZero: -0, n: -1 },
  { 10: 'b', 9: 'a', '-1': 'c', '01': 'd', '1e3': 'e' },
  { '': '', ' ': ' ', nested: { '': {} } },
  { a: 1, ab: 2, 'a\u0000': 3, B: 4, _: 5, A: 6 },
  (() => {
    let deep: JsonObject = { leaf: '🌳' };
    for (let i = 0; i < 30; i++) deep = { [`level${i}`]: deep, i };
    return deep;
  })(),
  { big: Array.from({ length: 500 }, (_, i) => ({ i, s: `item ${i} ✓` })) },
  { long: 'x😀y'.repeat(5_000) },
  {
    type: 'm.room.message',
    room_id: '!room:cross.example',
    sender: '@alice:cross.example',
    content: { body: 'Hello 👋 wörld', msgtype: 'm.text', 'm.mentions': {} },
    depth: 12,
    prev_events: ['$abc'],
    auth_events: ['$def', '$ghi'],
    origin_server_ts: 1_764_000_000_000,
    hashes: { sha256: 'ignoredByTheContentHash' },
    unsigned: { age_ts: 5, 'not signed': true },
    signatures: { 'other.example': { 'ed25519:x': 'kept' } },
  },
  {
    type: 'm.room.member',
    event_id: '$v1event:cross.example',
    room_id: '!room:cross.example',
    sender: '@bob:cross.example',
    state_key: '@bob:cross.example',
    content: { membership: 'join', displayname: 'Bob 🅱', avatar_url: null },
    depth: 2,
    prev_events: [['$prev:cross.example', { sha256: 'aGFzaA' }]],
    auth_events: [['$create:cross.example', { sha256: 'aGFzaDI' }]],
    origin: 'cross.example',
    origin_server_ts: 1_000_000,
    prev_state: [],
  },
  {
    type: 'm.room.power_levels',
    state_key: '',
    content: {
      users: { '@a:x': 100, '@😀:x': 50 },
      events: { 'm.room.name': 50 },
      notifications: { room: 50 },
    },
  },
  { signatures: { [SERVER]: { [`ed25519:${KEY_VERSION}`]: 'stale signature' } }, v: 1 },
  { unsigned: { only: 'unsigned' } },
  { mixed: [0, -0, 1, 'str', { k: [] }, [], {}, null, true, '\ud83d\ude00'] },
];

const PYTHON_SCRIPT = String.raw`
import base64, hashlib, json, sys
try:
    import canonicaljson
    from signedjson.key import decode_signing_key_base64, get_verify_key, encode_verify_key_base64
    from signedjson.sign import sign_json, verify_signed_json, SignatureVerifyException
except ImportError as e:
    print("MISSING_MODULE: %s" % e, file=sys.stderr)
    sys.exit(3)

def b64(data):
    return base64.b64encode(data).decode("ascii").rstrip("=")

req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
key = decode_signing_key_base64("ed25519", req["keyVersion"], req["seed"])
verify_key = get_verify_key(key)
out = {"publicKey": encode_verify_key_base64(verify_key), "results": []}

for case in req["cases"]:
    result = {}
    if req["mode"] == "verify-ours":
        value = case["value"]
        result["canonical"] = canonicaljson.encode_canonical_json(value).decode("utf-8")
        hashed = {k: v for k, v in value.items() if k not in ("unsigned", "signatures", "hashes")}
        result["contentHash"] = b64(hashlib.sha256(canonicaljson.encode_canonical_json(hashed)).digest())
        ref = {k: v for k, v in case["redacted"].items() if k not in ("unsigned", "signatures")}
        result["referenceHash"] = b64(hashlib.sha256(canonicaljson.encode_canonical_json(ref)).digest())
        for name in ("signed", "tampered"):
            try:
                verify_signed_json(case[name], req["server"], verify_key)
                result[name] = True
            except SignatureVerifyException:
                result[name] = False
    else:
        signed = sign_json(dict(case["value"]), req["server"], key)
        result["signed"] = signed
    out["results"].append(result)

sys.stdout.write(json.dumps(out, ensure_ascii=True))
`;

interface PythonOutput {
  publicKey: string;
  results: JsonObject[];
}

function runPython(request: JsonObject): PythonOutput {
  const run = spawnSync(PYTHON, ['-c', PYTHON_SCRIPT], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.error !== undefined) {
    throw new Error(`${INSTALL_HINT} (could not run ${PYTHON}: ${run.error.message})`);
  }
  if (run.status === 3 || run.stderr.includes('MISSING_MODULE')) {
    throw new Error(`${INSTALL_HINT} (${run.stderr.trim()})`);
  }
  if (run.status !== 0) {
    throw new Error(`python cross-check script failed (exit ${run.status}): ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as PythonOutput;
}

let key: SigningKey;
let keyId: string;

beforeAll(async () => {
  await initCrypto();
  key = signingKeyFromSeed(decodeBase64(SPEC_SEED_BASE64), KEY_VERSION);
  keyId = key.keyId;
});

describe('cross-check with Python signedjson/canonicaljson', () => {
  it('has enough varied cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(20);
  });

  it('Python verifies what we signed, and agrees on canonical bytes and hashes', () => {
    const v11 = getRoomVersion('11');
    const request = CASES.map((value) => {
      const signed = signJson(value, SERVER, key);
      return {
        value,
        signed,
        // Python must be able to fail: the same signature over changed data.
        tampered: { ...signed, tampered: true },
        redacted: redactPdu(value, v11),
      };
    });
    const output = runPython({
      mode: 'verify-ours',
      seed: SPEC_SEED_BASE64,
      keyVersion: KEY_VERSION,
      server: SERVER,
      cases: request,
    });
    expect(output.publicKey).toBe(encodeBase64(key.publicKey));
    expect(output.results).toHaveLength(CASES.length);
    CASES.forEach((value, i) => {
      const python = output.results[i] as JsonObject;
      const label = `case ${i}`;
      expect(python['canonical'], label).toBe(canonicalJson(value));
      expect(python['contentHash'], label).toBe(encodeBase64(computeContentHash(value)));
      expect(python['referenceHash'], label).toBe(encodeBase64(computeReferenceHash(value, v11)));
      expect(python['signed'], label).toBe(true);
      expect(python['tampered'], label).toBe(false);
    });
  });

  it('we verify what Python signed, and sign identically', () => {
    const output = runPython({
      mode: 'sign',
      seed: SPEC_SEED_BASE64,
      keyVersion: KEY_VERSION,
      server: SERVER,
      cases: CASES.map((value) => ({ value })),
    });
    expect(output.results).toHaveLength(CASES.length);
    CASES.forEach((value, i) => {
      const label = `case ${i}`;
      const pythonSigned = (output.results[i] as JsonObject)['signed'] as JsonObject;
      expect(verifyJsonSignature(pythonSigned, SERVER, keyId, key.publicKey), label).toBe(true);
      expect(verifyJsonSignature({ ...pythonSigned, extra: 1 }, SERVER, keyId, key.publicKey)).toBe(
        false,
      );
      const ours = signJson(value, SERVER, key);
      expect(pythonSigned['signatures'], label).toEqual(ours.signatures);
      expect(canonicalJson(pythonSigned), label).toBe(canonicalJson(ours));
    });
  });
});
