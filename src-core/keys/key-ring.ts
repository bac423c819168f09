/**
 * The key ring: remote servers' signing keys, fetched on demand and cached in `server_keys`.
 *
 * Keys come from configured notaries (`POST /_matrix/key/v2/query`, each answer checked for the
 * origin's self-signature and the notary's signature) and, failing those, from the server itself
 * (`GET /_matrix/key/v2/server`) — Synapse's order. Concurrent lookups of one server share one
 * fetch. Event signature checks in src-core/rules are synchronous, so `prepareKeys` fetches what
 * a batch needs first and returns a synchronous lookup over the result.
 */
import { decodeBase64 } from '../rules/base64';
import type { JsonObject } from '../rules/json';
import { isJsonObject } from '../rules/json';
import { signJson } from '../rules/signing/sign-json';
import type { SigningKey } from '../rules/signing/signing-key';
import type { EventKeyLookup } from '../rules/signing/verify-event';
import { checkSignatures } from '../rules/signing/verify-json';
import type { Logger } from '../logging/logger';
import type { ServerKeyStore, StoredServerKey } from '../storage/server-key-store';
import type { Clock } from '../util/clock';
import type { FederationRequester } from '../federation-client/federation-http-client';
import { serverKeysResponse } from '../key-api/server-keys';
import { verifyServerKeysResponse } from './server-keys-response';
import type { VerifiedServerKeys } from './server-keys-response';

/**
 * Room v5 "Signing key validity period": a key counts as valid for at most 7 days after we
 * fetched it, however far away its `valid_until_ts` is.
 */
export const MAX_KEY_VALIDITY_AFTER_FETCH_MS = 7 * 24 * 60 * 60 * 1000;
/** A server whose key we just failed to find is not asked again for this long. */
export const KEY_REFETCH_THROTTLE_MS = 30_000;
const KEY_RESPONSE_MAX_BYTES = 1024 * 1024;
const KEY_REQUEST_TIMEOUT_MS = 15_000;

/** The slice of the federation client the key ring uses (a fake in unit tests). */
export type KeyFetchClient = FederationRequester;

export interface KeyRequest {
  serverName: string;
  keyId: string;
  /** When the key must have been valid (an event's origin_server_ts); undefined: any time. */
  validAtTs?: number;
}

export interface KeyRingOptions {
  serverName: string;
  signingKey: SigningKey;
  store: ServerKeyStore;
  client: KeyFetchClient;
  notaryServers: readonly string[];
  clock: Clock;
  logger: Logger;
}

/** Whether a stored key may verify a signature made at `ts` (undefined: no time constraint). */
export function isKeyValidAt(key: StoredServerKey, ts: number | undefined): boolean {
  if (ts === undefined) return true;
  if (key.expiredTs !== undefined) return ts < key.expiredTs;
  return Math.min(key.validUntilTs, key.fetchedTs + MAX_KEY_VALIDITY_AFTER_FETCH_MS) >= ts;
}

export class KeyRing {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly lastFetchAttempt = new Map<string, number>();
  /** The latest verified key response per server, as served on when we act as notary. */
  private readonly responses = new Map<string, VerifiedServerKeys>();
  private readonly log: Logger;

  constructor(private readonly options: KeyRingOptions) {
    this.log = options.logger.child({ component: 'key-ring' });
  }

  /**
   * The public key `keyId` of `serverName` valid at `atTs` (undefined: at any time), fetching
   * it if we lack it or only hold it with a validity that has run out. Undefined when the key
   * cannot be found; never throws for network failures.
   */
  async getVerifyKey(
    serverName: string,
    keyId: string,
    atTs?: number,
  ): Promise<Uint8Array | undefined> {
    const lookup = await this.prepareKeys([
      { serverName, keyId, ...(atTs === undefined ? {} : { validAtTs: atTs }) },
    ]);
    return lookup(serverName, keyId, atTs);
  }

  /** Fetches whatever `requests` need, then answers synchronously from what we hold. */
  async prepareKeys(requests: readonly KeyRequest[]): Promise<EventKeyLookup> {
    const needFetch = new Set<string>();
    for (const request of requests) {
      if (request.serverName === this.options.serverName) continue;
      const stored = this.storedKey(request.serverName, request.keyId);
      // An old key will not become valid again by refetching; anything else might.
      if (stored && (isKeyValidAt(stored, request.validAtTs) || stored.expiredTs !== undefined)) {
        continue;
      }
      needFetch.add(request.serverName);
    }
    await Promise.all([...needFetch].map((server) => this.fetchKeys(server, false)));
    return this.snapshot(new Set(requests.map((r) => r.serverName)));
  }

  /** A synchronous lookup over what is stored now for `servers`. */
  private snapshot(servers: ReadonlySet<string>): EventKeyLookup {
    const keys = new Map<string, StoredServerKey>();
    for (const server of servers) {
      if (server === this.options.serverName) continue;
      for (const key of this.options.store.forServer(server)) {
        keys.set(`${server}\u0000${key.keyId}`, key);
      }
    }
    const own = this.options.signingKey;
    const decoded = new Map<string, Uint8Array>();
    return (serverName, keyId, validAtTs) => {
      if (serverName === this.options.serverName) {
        return keyId === own.keyId ? own.publicKey : undefined;
      }
      const id = `${serverName}\u0000${keyId}`;
      const key = keys.get(id);
      if (!key || !isKeyValidAt(key, validAtTs)) return undefined;
      let bytes = decoded.get(id);
      if (!bytes) {
        bytes = decodeBase64(key.publicKey);
        decoded.set(id, bytes);
      }
      return bytes;
    };
  }

  private storedKey(serverName: string, keyId: string): StoredServerKey | undefined {
    return this.options.store.forServer(serverName).find((k) => k.keyId === keyId);
  }

  /**
   * Fetches and stores `serverName`'s keys, sharing a fetch already under way. Unless `force`,
   * a server fetched within the throttle window is not asked again (a peer signing with a key
   * it does not publish must not make us hammer it).
   */
  private fetchKeys(serverName: string, force: boolean): Promise<void> {
    const running = this.inFlight.get(serverName);
    if (running) return running;
    const now = this.options.clock.now();
    const last = this.lastFetchAttempt.get(serverName);
    if (!force && last !== undefined && now - last < KEY_REFETCH_THROTTLE_MS) {
      return Promise.resolve();
    }
    this.lastFetchAttempt.set(serverName, now);
    const fetch = this.fetchFromAnywhere(serverName).finally(() =>
      this.inFlight.delete(serverName),
    );
    this.inFlight.set(serverName, fetch);
    return fetch;
  }

  private async fetchFromAnywhere(serverName: string): Promise<void> {
    for (const notary of this.options.notaryServers) {
      if (notary === serverName || notary === this.options.serverName) continue;
      try {
        const found = await this.fetchViaNotary(notary, serverName);
        if (found) return;
      } catch (error) {
        this.log.warn('notary key query failed', {
          notary,
          server: serverName,
          error: (error as Error).message,
        });
      }
    }
    try {
      this.save(await this.fetchDirect(serverName));
    } catch (error) {
      this.log.warn('key fetch failed', { server: serverName, error: (error as Error).message });
    }
  }

  private async fetchDirect(serverName: string): Promise<VerifiedServerKeys> {
    const json = await this.options.client.request<unknown>(
      serverName,
      'GET',
      '/_matrix/key/v2/server',
      {
        signed: false,
        maxResponseBytes: KEY_RESPONSE_MAX_BYTES,
        timeoutMs: KEY_REQUEST_TIMEOUT_MS,
      },
    );
    return verifyServerKeysResponse(serverName, json);
  }

  /** Asks `notary` for `serverName`'s keys; false when it had none for that server. */
  private async fetchViaNotary(notary: string, serverName: string): Promise<boolean> {
    // The notary's own key is fetched from the notary directly (Synapse instead reads it from
    // config; we have no such config field yet).
    const notaryKeys = await this.notaryKeys(notary);
    const answer = await this.options.client.request<unknown>(
      notary,
      'POST',
      '/_matrix/key/v2/query',
      {
        body: { server_keys: { [serverName]: {} } },
        maxResponseBytes: KEY_RESPONSE_MAX_BYTES,
        timeoutMs: KEY_REQUEST_TIMEOUT_MS,
      },
    );
    const entries =
      isJsonObject(answer) && Array.isArray(answer['server_keys']) ? answer['server_keys'] : [];
    let found = false;
    for (const entry of entries) {
      if (!isJsonObject(entry) || entry['server_name'] !== serverName) continue;
      const notaryCheck = checkSignatures(entry, [notary], (server, keyId) =>
        server === notary ? notaryKeys.get(keyId) : undefined,
      );
      if (!notaryCheck.ok) {
        this.log.warn('notary answer not signed by the notary', {
          notary,
          reason: notaryCheck.reason,
        });
        continue;
      }
      this.save(verifyServerKeysResponse(serverName, entry));
      found = true;
    }
    return found;
  }

  private async notaryKeys(notary: string): Promise<Map<string, Uint8Array>> {
    const now = this.options.clock.now();
    const stored = this.options.store.forServer(notary).filter((k) => isKeyValidAt(k, now));
    if (stored.length === 0) {
      this.save(await this.fetchDirect(notary));
    }
    return new Map(
      this.options.store
        .forServer(notary)
        .filter((k) => isKeyValidAt(k, now))
        .map((k) => [k.keyId, decodeBase64(k.publicKey)]),
    );
  }

  private save(response: VerifiedServerKeys): void {
    const fetchedTs = this.options.clock.now();
    this.options.store.upsert(
      response.keys.map((key) => ({
        serverName: response.serverName,
        keyId: key.keyId,
        publicKey: key.publicKeyBase64,
        validUntilTs: response.validUntilTs,
        expiredTs: key.expiredTs,
        fetchedTs,
      })),
    );
    const previous = this.responses.get(response.serverName);
    if (!previous || previous.validUntilTs <= response.validUntilTs) {
      this.responses.set(response.serverName, response);
    }
  }

  /**
   * Acting as a notary: the key responses we can vouch for about `serverName`, each with our
   * signature added. Fetched afresh when what we hold expires before `minimumValidUntilTs`; on
   * failure we still serve the stale copy, which the spec allows (the requester judges it).
   */
  async notaryResponse(serverName: string, minimumValidUntilTs: number): Promise<JsonObject[]> {
    const { serverName: ours, signingKey } = this.options;
    if (serverName === ours) {
      return [serverKeysResponse(ours, signingKey, this.options.clock.now())];
    }
    const held = this.responses.get(serverName);
    if (!held || held.validUntilTs < minimumValidUntilTs) {
      try {
        this.save(await this.fetchDirect(serverName));
      } catch (error) {
        this.log.info('notary: cannot refresh keys', {
          server: serverName,
          error: (error as Error).message,
        });
      }
    }
    const response = this.responses.get(serverName);
    return response ? [signJson(response.json, ours, signingKey)] : [];
  }
}
