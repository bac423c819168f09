/**
 * TestPeer: a programmable fake homeserver on loopback HTTPS that hosts scripted rooms, serves
 * the resident side of (partial) joins, records every request, fails on command, and pushes
 * signed transactions to a real server. It shares no code with `src-core/rules/`.
 *
 * Users of a room live on the peer's own server name; for rooms spanning several servers, start
 * several peers and let one author events for the others with `speakFor(otherPeer)` (each peer
 * still serves its own key, so receivers verify the signatures against the right server).
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:https';
import { freePort } from '../../testing/free-port';
import { FaultPlan, HeldEndpoint } from './fault-injection';
import type { DagEvent } from './dag-event';
import type { PeerEndpoint } from './peer-endpoints';
import type { PeerHandlerContext, PeerSwitches, ReceivedTransaction } from './peer-handler-context';
import { createPeerHttpServer } from './peer-http-server';
import type { PeerJson, PeerJsonObject } from './peer-json';
import type { PeerSigningKey } from './peer-signing-key';
import { generateSigningKey } from './peer-signing-key';
import { createPeerCertificate } from './peer-tls-certificate';
import type { LoggedRequest } from './request-log';
import { RequestLog } from './request-log';
import type { CreateRoomOptions } from './scripted-room';
import { ScriptedRoom } from './scripted-room';
import type { OutboundResponse } from './outbound-federation';
import { signedFederationRequest } from './outbound-federation';

export interface TestPeerOptions {
  /** Loopback address to listen on (default 127.0.0.1). */
  host?: string;
  port?: number;
  signingKey?: PeerSigningKey;
  /** Answer send_join with full state even when asked to omit members. */
  serveFullState?: boolean;
}

export class TestPeer {
  readonly switches: PeerSwitches;
  /** Transactions received over /send, in arrival order. */
  readonly transactions: ReceivedTransaction[];
  private readonly otherKeys = new Map<string, PeerSigningKey>();
  private txnCounter = 0;

  private constructor(
    readonly serverName: string,
    readonly signingKey: PeerSigningKey,
    private readonly server: Server,
    private readonly context: PeerHandlerContext,
    private readonly hosted: Map<string, ScriptedRoom>,
    readonly faults: FaultPlan,
    readonly log: RequestLog,
  ) {
    this.switches = context.switches;
    this.transactions = context.transactions;
  }

  static async start(options: TestPeerOptions = {}): Promise<TestPeer> {
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? (await freePort(host));
    const serverName = `${host}:${port}`;
    const tls = await createPeerCertificate(host);
    const signingKey = options.signingKey ?? generateSigningKey();
    const hosted = new Map<string, ScriptedRoom>();
    const context: PeerHandlerContext = {
      serverName,
      signingKey,
      room: (roomId) => hosted.get(roomId),
      rooms: () => hosted.values(),
      switches: { serveFullState: options.serveFullState ?? false },
      aliases: new Map(),
      profiles: new Map(),
      transactions: [],
    };
    const faults = new FaultPlan();
    const log = new RequestLog();
    const server = createPeerHttpServer(tls, context, faults, log);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new TestPeer(serverName, signingKey, server, context, hosted, faults, log);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get baseUrl(): string {
    return `https://${this.serverName}`;
  }

  /** A user ID on this peer. */
  user(localpart: string): string {
    return `@${localpart}:${this.serverName}`;
  }

  /** Lets this peer sign events for another peer's users (that peer serves its own key). */
  speakFor(other: { serverName: string; signingKey: PeerSigningKey }): void {
    this.otherKeys.set(other.serverName, other.signingKey);
  }

  private keyFor = (serverName: string): PeerSigningKey | undefined =>
    serverName === this.serverName ? this.signingKey : this.otherKeys.get(serverName);

  /** Scripts a new room this peer hosts (see ScriptedRoom for the authoring API). */
  createRoom(options: Omit<CreateRoomOptions, 'creator'> & { creator?: string }): ScriptedRoom {
    const room = ScriptedRoom.create(this.keyFor, {
      ...options,
      creator: options.creator ?? this.user('alice'),
    });
    this.hosted.set(room.roomId, room);
    return room;
  }

  /** Hosts a room another server created, from its events in stream order (ScriptedRoom.adopt). */
  adoptRoom(versionId: string, roomId: string, pdus: Iterable<PeerJsonObject>): ScriptedRoom {
    const room = ScriptedRoom.adopt(this.keyFor, versionId, roomId, pdus);
    this.hosted.set(room.roomId, room);
    return room;
  }

  room(roomId: string): ScriptedRoom {
    const room = this.hosted.get(roomId);
    if (!room) throw new Error(`the test peer hosts no room ${roomId}`);
    return room;
  }

  addAlias(alias: string, roomId: string, servers: string[] = [this.serverName]): void {
    this.context.aliases.set(alias, { roomId, servers });
  }

  setProfile(userId: string, profile: PeerJsonObject): void {
    this.context.profiles.set(userId, profile);
  }

  // ----- fault injection -----

  /** Holds every request to `endpoint` until the returned handle is released. */
  hold(endpoint: PeerEndpoint): HeldEndpoint {
    const held = new HeldEndpoint(endpoint);
    this.faults.arm(endpoint, { kind: 'hold', hold: held });
    return held;
  }

  fail(
    endpoint: PeerEndpoint,
    status: number,
    errcode: string,
    options: { times?: number; error?: string } = {},
  ): void {
    this.faults.arm(
      endpoint,
      { kind: 'fail', status, errcode, error: options.error ?? `injected failure of ${endpoint}` },
      options.times,
    );
  }

  delay(endpoint: PeerEndpoint, ms: number, options: { times?: number } = {}): void {
    this.faults.arm(endpoint, { kind: 'delay', ms }, options.times);
  }

  closeConnection(endpoint: PeerEndpoint, options: { times?: number } = {}): void {
    this.faults.arm(endpoint, { kind: 'close' }, options.times);
  }

  /** Answers with this body: a string or Buffer is sent as-is (e.g. truncated JSON). */
  respondWith(
    endpoint: PeerEndpoint,
    body: string | Buffer | PeerJson,
    options: { times?: number; status?: number } = {},
  ): void {
    this.faults.arm(
      endpoint,
      { kind: 'respond', status: options.status ?? 200, body },
      options.times,
    );
  }

  clearFaults(endpoint?: PeerEndpoint): void {
    this.faults.clear(endpoint);
  }

  // ----- what the peer saw -----

  requests(endpoint?: PeerEndpoint): LoggedRequest[] {
    return endpoint === undefined ? [...this.log.entries] : this.log.of(endpoint);
  }

  requestCount(endpoint: PeerEndpoint): number {
    return this.log.of(endpoint).length;
  }

  waitForRequest(
    endpoint: PeerEndpoint,
    predicate?: (request: LoggedRequest) => boolean,
    timeoutMs?: number,
  ): Promise<LoggedRequest> {
    return this.log.waitFor(endpoint, predicate, timeoutMs);
  }

  /** PDUs received over /send, in arrival order. */
  receivedPdus(): PeerJsonObject[] {
    return this.transactions.flatMap((t) => t.pdus);
  }

  receivedEdus(): PeerJsonObject[] {
    return this.transactions.flatMap((t) => t.edus);
  }

  async waitForPdu(
    predicate: (pdu: PeerJsonObject) => boolean,
    timeoutMs = 10_000,
  ): Promise<PeerJsonObject> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.receivedPdus().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching PDU arrived within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  // ----- talking to real servers -----

  /** Any signed federation request to `destination` (a `host:port` server name). */
  federationRequest(
    destination: string,
    method: string,
    uri: string,
    body?: PeerJson,
  ): Promise<OutboundResponse> {
    return signedFederationRequest({
      origin: this.serverName,
      key: this.signingKey,
      destination,
      method,
      uri,
      ...(body === undefined ? {} : { body }),
    });
  }

  /** PUT /send/{txnId} with these PDUs (DagEvents or raw PDUs) and EDUs. */
  async sendTransaction(
    destination: string,
    pdus: readonly (DagEvent | PeerJsonObject)[],
    edus: readonly PeerJsonObject[] = [],
  ): Promise<OutboundResponse> {
    const txnId = `peer-${Date.now()}-${++this.txnCounter}`;
    const response = await this.federationRequest(
      destination,
      'PUT',
      `/_matrix/federation/v1/send/${txnId}`,
      {
        origin: this.serverName,
        origin_server_ts: Date.now(),
        pdus: pdus.map((p) =>
          'pdu' in p && 'eventId' in p ? (p as DagEvent).pdu : (p as PeerJsonObject),
        ),
        edus: [...edus],
      },
    );
    if (response.status !== 200) {
      throw new Error(
        `transaction ${txnId} to ${destination} failed: ${response.status} ${response.text}`,
      );
    }
    return response;
  }

  async stop(): Promise<void> {
    this.faults.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
