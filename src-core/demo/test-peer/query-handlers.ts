/** /query/directory (aliases the test registered) and /query/profile (set, else from membership). */
import type { PeerHandlerContext, PeerReply, PeerRequest } from './peer-handler-context';
import { matrixError, ok } from './peer-handler-context';
import type { PeerJsonObject } from './peer-json';

export function handleQueryDirectory(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const alias = request.query.get('room_alias') ?? '';
  const entry = context.aliases.get(alias);
  if (!entry) return matrixError(404, 'M_NOT_FOUND', `no room alias ${alias}`);
  return ok({ room_id: entry.roomId, servers: entry.servers });
}

export function handleQueryProfile(context: PeerHandlerContext, request: PeerRequest): PeerReply {
  const userId = request.query.get('user_id') ?? '';
  let profile: PeerJsonObject | undefined = context.profiles.get(userId);
  if (!profile) {
    for (const room of context.rooms()) {
      const member = room.stateEvent('m.room.member', userId);
      if (member) {
        profile = {};
        for (const field of ['displayname', 'avatar_url']) {
          const value = member.content[field];
          if (typeof value === 'string') profile[field] = value;
        }
      }
    }
  }
  if (!profile) return matrixError(404, 'M_NOT_FOUND', `no profile for ${userId}`);
  const field = request.query.get('field');
  if (field === null) return ok(profile);
  const value = profile[field];
  return value === undefined
    ? matrixError(404, 'M_NOT_FOUND', `no ${field} for ${userId}`)
    : ok({ [field]: value });
}
