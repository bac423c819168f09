/**
 * The TLS certificate for our one HTTPS port. With no certificate configured, a self-signed one
 * is made on first start in `<data dir>/tls.crt` + `tls.key` and reused afterwards; peers in a
 * local test federation accept it with `--insecure-skip-tls-verify`.
 */
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseServerName } from '../rules/identifiers/server-name';

export const TLS_CERTIFICATE_FILE = 'tls.crt';
export const TLS_KEY_FILE = 'tls.key';

export interface TlsMaterial {
  certificatePem: string;
  keyPem: string;
}

type SelfSignedParams = Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0];

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const VALIDITY_DAYS = 3650;

function subjectAltNames(serverName: string): x509.JsonGeneralName[] {
  const names = new Map<string, x509.JsonGeneralName>();
  const add = (host: string): void => {
    const type = isIP(host) ? 'ip' : 'dns';
    names.set(`${type}:${host}`, { type, value: host });
  };
  const parsed = parseServerName(serverName);
  if (parsed.ok) add(parsed.value.host.replace(/^\[|\]$/g, ''));
  for (const host of ['localhost', '127.0.0.1', '::1']) add(host);
  return [...names.values()];
}

async function createSelfSigned(serverName: string, now: Date): Promise<TlsMaterial> {
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex'),
    name: `CN=${serverName.replace(/[,=+<>#;\\"]/g, '_')}`,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + VALIDITY_DAYS * 86_400_000),
    keys: keys as unknown as SelfSignedParams['keys'],
    signingAlgorithm: ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.SubjectAlternativeNameExtension(subjectAltNames(serverName)),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  const keyBase64 = Buffer.from(pkcs8)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return {
    certificatePem: certificate.toString('pem'),
    keyPem: `-----BEGIN PRIVATE KEY-----\n${keyBase64.trimEnd()}\n-----END PRIVATE KEY-----\n`,
  };
}

/** Reads the configured pair, or the data dir's self-signed pair, creating the latter if absent. */
export async function loadOrCreateTlsMaterial(options: {
  dataDir: string;
  serverName: string;
  certificateFile: string | undefined;
  keyFile: string | undefined;
  now: Date;
}): Promise<TlsMaterial & { created: boolean }> {
  const certificateFile =
    options.certificateFile ?? path.join(options.dataDir, TLS_CERTIFICATE_FILE);
  const keyFile = options.keyFile ?? path.join(options.dataDir, TLS_KEY_FILE);
  if (existsSync(certificateFile) && existsSync(keyFile)) {
    return {
      certificatePem: readFileSync(certificateFile, 'utf8'),
      keyPem: readFileSync(keyFile, 'utf8'),
      created: false,
    };
  }
  if (options.certificateFile) {
    throw new Error(`TLS certificate ${certificateFile} or key ${keyFile} does not exist`);
  }
  const material = await createSelfSigned(options.serverName, options.now);
  writeFileSync(keyFile, material.keyPem, { mode: 0o600 });
  writeFileSync(certificateFile, material.certificatePem);
  return { ...material, created: true };
}
