/**
 * Connects rooms to local accounts: member events read profiles from AccountService, and a
 * profile change sends a fresh `m.room.member` join with the new displayname/avatar_url into
 * every room the user is joined to (what Synapse does on PUT /profile, so other members see the
 * change). A room where the update is refused (e.g. power levels forbid it) is logged and
 * skipped; the profile change itself already succeeded.
 */
import type { AccountService } from '../accounts/account-service';
import type { Logger } from '../logging/logger';
import type { JsonObject } from '../rules/json';
import type { MemberProfile } from './member-profile';
import { memberProfileContent } from './member-profile';
import type { RoomServices } from './room-services';

export function connectRoomsToAccounts(
  rooms: RoomServices,
  accounts: Pick<AccountService, 'onProfileChanged' | 'getProfile' | 'isLocalUserId'>,
  logger: Logger,
): () => void {
  rooms.setProfileSource({
    profileOf(userId: string): MemberProfile | undefined {
      if (!accounts.isLocalUserId(userId)) return undefined;
      try {
        return accounts.getProfile(userId);
      } catch {
        return undefined;
      }
    },
  });
  return accounts.onProfileChanged(({ userId, profile }) => {
    for (const roomId of rooms.membership.joinedRooms(userId)) {
      const currentId = rooms.currentState.membershipOf(roomId, userId)?.eventId;
      const current = currentId === undefined ? undefined : rooms.eventStore.getEvent(currentId);
      const content: JsonObject = { membership: 'join', ...memberProfileContent(profile) };
      if (
        current?.content['displayname'] === content['displayname'] &&
        current?.content['avatar_url'] === content['avatar_url']
      ) {
        continue;
      }
      try {
        rooms.sender.send({
          roomId,
          type: 'm.room.member',
          stateKey: userId,
          sender: userId,
          content,
        });
      } catch (error) {
        logger.warn('profile change not sent to room', {
          room_id: roomId,
          user_id: userId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  });
}
