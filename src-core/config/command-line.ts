/**
 * `skein serve` flags → HomeserverConfig. Flags override the optional JSON config file, which
 * overrides the defaults. `--help` is answered before anything touches the data directory.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseServerName } from '../rules/identifiers/server-name';
import { ConfigError, defaultConfig } from './homeserver-config';
import type { HomeserverConfig, ListenAddress, RegistrationPolicy } from './homeserver-config';

export const HELP_TEXT = `Usage: npm run serve -- [options]

Runs the Skein homeserver headless: client, federation, key and admin APIs and the admin UI, all
on one HTTPS port.

Options:
  --data-dir DIR              Where the database, signing key, TLS certificate and admin token
                              live (default: ./skein-data). May already hold other files.
  --server-name NAME          Matrix server name: host, host:port, IPv4:port or [IPv6]:port
                              (default: localhost:<listen port>).
  --listen HOST:PORT          Address to listen on (default: 127.0.0.1:8448; [::1]:PORT for IPv6).
  --registration POLICY       open | closed | token (default: open when listening on loopback,
                              closed otherwise).
  --registration-token TOKEN  The token required when --registration token.
  --tls-cert FILE             PEM certificate to serve (default: a self-signed one in the data dir).
  --tls-key FILE              PEM private key for --tls-cert.
  --insecure-skip-tls-verify  Accept any certificate from federation peers. Only for local test
                              federations of self-signed servers.
  --trusted-ca FILE           Extra PEM CA certificates to trust for outbound federation.
  --notary SERVER             A notary server for remote key queries (repeatable; default: none,
                              keys are fetched from each origin directly).
  --federation-allow GLOB     Federate only with servers matching GLOB (repeatable; * and ?
                              over the server name or its host, e.g. *.example.org). Loopback
                              servers stay allowed unless denied. Default: every server.
  --federation-deny GLOB      Never federate with servers matching GLOB (repeatable; wins over
                              --federation-allow): outbound requests fail without touching the
                              network, inbound ones get 403 M_FORBIDDEN. Default: none.
  --log-level LEVEL           debug | info | warn | error | silent (default: info). Logs are JSON
                              lines on stderr.
  --config FILE               A JSON file with any of the settings above (flags win).
  --help                      Show this help and exit.
`;

export type CommandLineResult = { kind: 'help' } | { kind: 'serve'; config: HomeserverConfig };

export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  const host = match?.[1] ?? match?.[2];
  if (!match || host === undefined || port > 65535) {
    throw new ConfigError(`--listen must be HOST:PORT or [IPv6]:PORT, got ${JSON.stringify(text)}`);
  }
  if (match[1] !== undefined && isIP(host) !== 6) {
    throw new ConfigError(`--listen: ${JSON.stringify(host)} is not an IPv6 address`);
  }
  return { host, port };
}

export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const REGISTRATION_POLICIES: readonly RegistrationPolicy[] = ['open', 'closed', 'token'];
const LOG_LEVELS: readonly HomeserverConfig['logLevel'][] = [
  'debug',
  'info',
  'warn',
  'error',
  'silent',
];

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(
      `${flag} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}

type FileSettings = Partial<{
  dataDir: string;
  serverName: string;
  listen: string;
  registration: string;
  registrationToken: string;
  tlsCert: string;
  tlsKey: string;
  insecureSkipTlsVerify: boolean;
  trustedCa: string;
  notaryServers: string[];
  /** The only nested setting: `{ "federation": { "destinations": { "allow": [...], "deny": [...] } } }`. */
  federation: { destinations?: { allow?: unknown; deny?: unknown } };
  logLevel: string;
}>;

/** Destination globs: non-empty strings without whitespace (a typo must not match everyone). */
function globList(flag: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new ConfigError(`${flag} must be a list of patterns`);
  return value.map((pattern: unknown) => {
    if (typeof pattern !== 'string' || pattern === '' || /\s/.test(pattern)) {
      throw new ConfigError(`${flag}: ${JSON.stringify(pattern)} is not a server name pattern`);
    }
    return pattern;
  });
}

function readConfigFile(file: string): FileSettings {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`config file ${file} must hold a JSON object`);
  }
  return parsed as FileSettings;
}

export function parseCommandLine(argv: readonly string[], cwd: string): CommandLineResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'data-dir': { type: 'string' },
        'server-name': { type: 'string' },
        listen: { type: 'string' },
        registration: { type: 'string' },
        'registration-token': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'insecure-skip-tls-verify': { type: 'boolean' },
        'trusted-ca': { type: 'string' },
        notary: { type: 'string', multiple: true },
        'federation-allow': { type: 'string', multiple: true },
        'federation-deny': { type: 'string', multiple: true },
        'log-level': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };

  const file: FileSettings = values.config ? readConfigFile(path.resolve(cwd, values.config)) : {};
  const config = defaultConfig(cwd);
  const dataDir = values['data-dir'] ?? file.dataDir;
  if (dataDir !== undefined) config.dataDir = path.resolve(cwd, dataDir);
  const listen = values.listen ?? file.listen;
  if (listen !== undefined) config.listen = parseListenAddress(listen);

  const serverName = values['server-name'] ?? file.serverName ?? `localhost:${config.listen.port}`;
  const parsedName = parseServerName(serverName);
  if (!parsedName.ok)
    throw new ConfigError(`--server-name ${JSON.stringify(serverName)}: ${parsedName.reason}`);
  config.serverName = serverName;

  const registration = values.registration ?? file.registration;
  config.registration =
    registration !== undefined
      ? oneOf('--registration', registration, REGISTRATION_POLICIES)
      : isLoopbackHost(config.listen.host)
        ? 'open'
        : 'closed';
  config.registrationToken = values['registration-token'] ?? file.registrationToken;
  if (config.registration === 'token' && !config.registrationToken) {
    throw new ConfigError('--registration token needs --registration-token');
  }

  const tlsCert = values['tls-cert'] ?? file.tlsCert;
  const tlsKey = values['tls-key'] ?? file.tlsKey;
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError('--tls-cert and --tls-key must be given together');
  }
  config.tlsCertificateFile = tlsCert && path.resolve(cwd, tlsCert);
  config.tlsKeyFile = tlsKey && path.resolve(cwd, tlsKey);

  config.federation.insecureSkipTlsVerify =
    values['insecure-skip-tls-verify'] ?? file.insecureSkipTlsVerify ?? false;
  const trustedCa = values['trusted-ca'] ?? file.trustedCa;
  config.federation.trustedCaFile = trustedCa && path.resolve(cwd, trustedCa);
  config.federation.notaryServers = values.notary ?? file.notaryServers ?? [];
  const fileLists = file.federation?.destinations;
  const allow = values['federation-allow'] ?? fileLists?.allow;
  config.federation.destinations = {
    allow: allow === undefined ? undefined : globList('--federation-allow', allow),
    deny: globList('--federation-deny', values['federation-deny'] ?? fileLists?.deny ?? []),
  };

  const logLevel = values['log-level'] ?? file.logLevel;
  if (logLevel !== undefined) config.logLevel = oneOf('--log-level', logLevel, LOG_LEVELS);
  return { kind: 'serve', config };
}
