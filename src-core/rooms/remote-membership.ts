/**
 * The boundary between the client API's room operations and federation: everything a local
 * user's membership change or alias lookup needs another server for. RoomServices holds one
 * (`setRemoteMembership`); until the federation side installs its implementation (make_join /
 * send_join, make_leave / send_leave, invite v2, query/directory), the default refuses with a
 * clear error instead of pretending.
 *
 * Implementations persist whatever events result (the join with its state, the signed invite)
 * through RoomServices before resolving, so the caller can read them back immediately.
 */
import { MatrixError } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';

export interface RemoteAliasResolution {
  roomId: string;
  servers: string[];
}

export interface RemoteMembership {
  /**
   * Joins a local user to a room through another server. `roomIdOrAlias` is what the client
   * asked for (a remote alias when the room is not known yet); `via` lists candidate resident
   * servers (from `via`/`server_name`, the alias answer, or the inviter's server).
   * `content` is the member event content we want (displayname, avatar_url, reason, …).
   * Resolves with the room ID joined.
   */
  join(
    userId: string,
    roomIdOrAlias: string,
    via: readonly string[],
    content: JsonObject,
  ): Promise<{ roomId: string }>;

  /**
   * Leaves (or rejects an invite to) a room where no local user is joined, so the leave must be
   * built by a resident server (make_leave / send_leave). `via` names candidates, e.g. the
   * inviter's server.
   */
  leave(userId: string, roomId: string, via: readonly string[], content: JsonObject): Promise<void>;

  /**
   * Invites a remote user into a room we are in (federation invite v2): build and authorise
   * the invite locally, have the invitee's server sign it, persist and send it. Resolves with
   * the invite's event ID.
   */
  invite(
    roomId: string,
    sender: string,
    target: string,
    content: JsonObject,
  ): Promise<{ eventId: string }>;

  /**
   * Looks up an alias of another server (`GET /_matrix/federation/v1/query/directory`);
   * undefined when that server says it does not exist.
   */
  resolveRemoteAlias(alias: string): Promise<RemoteAliasResolution | undefined>;
}

const unavailable = (what: string): MatrixError =>
  new MatrixError(
    502,
    'M_UNKNOWN',
    `${what} needs federation, which is not available on this server yet`,
  );

/** What a server without federation membership support answers. */
export const unavailableRemoteMembership: RemoteMembership = {
  async join(_userId, roomIdOrAlias) {
    throw new MatrixError(
      404,
      'M_NOT_FOUND',
      `Room ${roomIdOrAlias} is not known here, and joining through another server is not available yet`,
    );
  },
  async leave(_userId, roomId) {
    throw unavailable(`Leaving ${roomId}, where no local user is joined,`);
  },
  async invite(_roomId, _sender, target) {
    throw unavailable(`Inviting ${target}`);
  },
  async resolveRemoteAlias(alias) {
    throw new MatrixError(
      404,
      'M_NOT_FOUND',
      `Room alias ${alias} is on another server and cannot be resolved without federation`,
    );
  },
};
