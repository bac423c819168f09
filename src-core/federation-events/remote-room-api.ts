/**
 * Typed calls to other servers' room endpoints (server-server API), with the response shapes
 * checked before anything reads them: a peer's malformed answer is a FederationRequestError of
 * kind `bad_response`, so callers can move on to the next server.
 */
import type { RoomRequestLimits } from '../config/homeserver-config';
import { defaultConfig } from '../config/homeserver-config';
import type { FederationRequester } from '../federation-client/federation-http-client';
import { FederationRequestError } from '../federation-client/federation-request-error';
import type { JsonObject, JsonValue } from '../rules/json';
import { isJsonObject } from '../rules/json';

const enc = encodeURIComponent;

/**
 * A PDU is at most 65,536 bytes (spec: "Size limits"), so a one-event answer (make_join's
 * template, /event) never needs more than this; a bigger one is a peer wasting our memory.
 */
const SINGLE_EVENT_RESPONSE_BYTES = 1024 * 1024;

/** What the API needs of the HTTP client (tests and fuzzers pass fakes). */
export type RoomRequestClient = FederationRequester;

function badResponse(destination: string, path: string, message: string): FederationRequestError {
  return new FederationRequestError(destination, 'GET', path, 'bad_response', message);
}

function arrayField(body: unknown, field: string, destination: string, path: string): unknown[] {
  const value = isJsonObject(body) ? body[field] : undefined;
  if (!Array.isArray(value)) throw badResponse(destination, path, `response has no ${field} array`);
  return value;
}

function stringArrayField(
  body: unknown,
  field: string,
  destination: string,
  path: string,
): string[] {
  const value = arrayField(body, field, destination, path);
  if (!value.every((v) => typeof v === 'string')) {
    throw badResponse(destination, path, `${field} must hold strings`);
  }
  return value as string[];
}

/** Counts requests and response bytes, e.g. for a resync's progress. */
export interface RequestMeter {
  requests: number;
  bytes: number;
}

function metered(meter: RequestMeter | undefined): { onResponseBytes?: (bytes: number) => void } {
  if (!meter) return {};
  return {
    onResponseBytes: (bytes) => {
      meter.requests += 1;
      meter.bytes += bytes;
    },
  };
}

export interface SendJoinResponse {
  state: unknown[];
  authChain: unknown[];
  /** The join re-signed by the resident (restricted rooms), if it sent one. */
  event: unknown;
  membersOmitted: boolean;
  serversInRoom: string[] | undefined;
  origin: string | undefined;
}

export class RemoteRoomApi {
  constructor(
    private readonly client: RoomRequestClient,
    private readonly limits: RoomRequestLimits = defaultConfig('/').federation.roomRequests,
  ) {}

  /** For answers that grow with the room: send_join, /state, /state_ids, /event_auth. */
  private get large(): { maxResponseBytes: number; timeoutMs: number } {
    return { maxResponseBytes: this.limits.largeMaxBytes, timeoutMs: this.limits.largeTimeoutMs };
  }

  private get small(): { maxResponseBytes: number; timeoutMs: number } {
    return { maxResponseBytes: SINGLE_EVENT_RESPONSE_BYTES, timeoutMs: this.limits.timeoutMs };
  }

  async eventAuth(
    destination: string,
    roomId: string,
    eventId: string,
    meter?: RequestMeter,
  ): Promise<unknown[]> {
    const path = `/_matrix/federation/v1/event_auth/${enc(roomId)}/${enc(eventId)}`;
    const body = await this.client.request(destination, 'GET', path, {
      ...this.large,
      ...metered(meter),
    });
    return arrayField(body, 'auth_chain', destination, path);
  }

  async event(destination: string, eventId: string, meter?: RequestMeter): Promise<unknown> {
    const path = `/_matrix/federation/v1/event/${enc(eventId)}`;
    const pdus = arrayField(
      await this.client.request(destination, 'GET', path, { ...this.small, ...metered(meter) }),
      'pdus',
      destination,
      path,
    );
    if (pdus.length !== 1)
      throw badResponse(destination, path, `expected one PDU, got ${pdus.length}`);
    return pdus[0];
  }

  async stateIds(
    destination: string,
    roomId: string,
    eventId: string,
    meter?: RequestMeter,
  ): Promise<{ pduIds: string[]; authChainIds: string[] }> {
    const path = `/_matrix/federation/v1/state_ids/${enc(roomId)}`;
    const body = await this.client.request(destination, 'GET', path, {
      query: { event_id: eventId },
      ...this.large,
      ...metered(meter),
    });
    return {
      pduIds: stringArrayField(body, 'pdu_ids', destination, path),
      authChainIds: stringArrayField(body, 'auth_chain_ids', destination, path),
    };
  }

  async state(
    destination: string,
    roomId: string,
    eventId: string,
    meter?: RequestMeter,
  ): Promise<{ pdus: unknown[]; authChain: unknown[] }> {
    const path = `/_matrix/federation/v1/state/${enc(roomId)}`;
    const body = await this.client.request(destination, 'GET', path, {
      query: { event_id: eventId },
      ...this.large,
      ...metered(meter),
    });
    return {
      pdus: arrayField(body, 'pdus', destination, path),
      authChain: arrayField(body, 'auth_chain', destination, path),
    };
  }

  async missingEvents(
    destination: string,
    roomId: string,
    request: { earliest: string[]; latest: string[]; limit: number; minDepth: number },
  ): Promise<unknown[]> {
    const path = `/_matrix/federation/v1/get_missing_events/${enc(roomId)}`;
    const body = await this.client.request(destination, 'POST', path, {
      // `limit` events of up to 64 KiB each.
      timeoutMs: this.limits.timeoutMs,
      maxResponseBytes: Math.max(SINGLE_EVENT_RESPONSE_BYTES, request.limit * 65_536 * 2),
      body: {
        earliest_events: request.earliest,
        latest_events: request.latest,
        limit: request.limit,
        min_depth: request.minDepth,
      },
    });
    return arrayField(body, 'events', destination, path);
  }

  async makeMembership(
    destination: string,
    kind: 'join' | 'leave' | 'knock',
    roomId: string,
    userId: string,
    versions: readonly string[],
  ): Promise<{ event: JsonObject; roomVersion: string | undefined }> {
    const path = `/_matrix/federation/v1/make_${kind}/${enc(roomId)}/${enc(userId)}`;
    const body = await this.client.request(destination, 'GET', path, {
      ...this.small,
      ...(kind === 'leave' ? {} : { query: { ver: versions } }),
    });
    if (!isJsonObject(body) || !isJsonObject(body['event'])) {
      throw badResponse(destination, path, 'response has no event template');
    }
    const roomVersion = body['room_version'];
    return {
      event: body['event'],
      roomVersion: typeof roomVersion === 'string' ? roomVersion : undefined,
    };
  }

  async sendJoin(
    destination: string,
    roomId: string,
    eventId: string,
    event: JsonObject,
    options: { omitMembers: boolean },
  ): Promise<SendJoinResponse> {
    const path = `/_matrix/federation/v2/send_join/${enc(roomId)}/${enc(eventId)}`;
    const body = await this.client.request(destination, 'PUT', path, {
      body: event,
      // Ask with both the stable and the unstable name: older Synapse releases know only the
      // latter (MSC3706).
      query: {
        omit_members: options.omitMembers,
        'org.matrix.msc3706.partial_state': options.omitMembers,
      },
      ...this.large,
    });
    if (!isJsonObject(body)) throw badResponse(destination, path, 'response is not an object');
    const membersOmitted =
      body['members_omitted'] === true || body['org.matrix.msc3706.partial_state'] === true;
    const servers: JsonValue | undefined =
      body['servers_in_room'] ?? body['org.matrix.msc3706.servers_in_room'];
    if (
      servers !== undefined &&
      !(Array.isArray(servers) && servers.every((s) => typeof s === 'string'))
    ) {
      throw badResponse(destination, path, 'servers_in_room must be a list of server names');
    }
    return {
      state: arrayField(body, 'state', destination, path),
      authChain: arrayField(body, 'auth_chain', destination, path),
      event: body['event'],
      membersOmitted,
      serversInRoom: servers as string[] | undefined,
      origin: typeof body['origin'] === 'string' ? body['origin'] : undefined,
    };
  }

  async sendLeave(
    destination: string,
    roomId: string,
    eventId: string,
    event: JsonObject,
  ): Promise<void> {
    const path = `/_matrix/federation/v2/send_leave/${enc(roomId)}/${enc(eventId)}`;
    await this.client.request(destination, 'PUT', path, { ...this.small, body: event });
  }

  async invite(
    destination: string,
    roomId: string,
    eventId: string,
    body: { event: JsonObject; roomVersion: string; inviteRoomState: JsonObject[] },
  ): Promise<unknown> {
    const path = `/_matrix/federation/v2/invite/${enc(roomId)}/${enc(eventId)}`;
    const response = await this.client.request(destination, 'PUT', path, {
      ...this.small,
      body: {
        event: body.event,
        room_version: body.roomVersion,
        invite_room_state: body.inviteRoomState,
      },
    });
    if (!isJsonObject(response) || !isJsonObject(response['event'])) {
      throw badResponse(destination, path, 'invite response has no event');
    }
    return response['event'];
  }

  async queryDirectory(
    destination: string,
    alias: string,
  ): Promise<{ roomId: string; servers: string[] }> {
    const path = '/_matrix/federation/v1/query/directory';
    const body = await this.client.request(destination, 'GET', path, {
      ...this.small,
      query: { room_alias: alias },
    });
    if (!isJsonObject(body) || typeof body['room_id'] !== 'string') {
      throw badResponse(destination, path, 'directory answer has no room_id');
    }
    const servers = Array.isArray(body['servers'])
      ? body['servers'].filter((s): s is string => typeof s === 'string')
      : [];
    return { roomId: body['room_id'], servers };
  }
}
