/**
 * createRoom presets as Synapse applies them (client-server API "POST /createRoom"). Note
 * `public_chat` sends no m.room.guest_access event at all.
 */
export type RoomPreset = 'private_chat' | 'trusted_private_chat' | 'public_chat';

export interface PresetState {
  joinRule: 'invite' | 'public';
  historyVisibility: 'shared';
  guestAccess: 'can_join' | undefined;
  /** trusted_private_chat: invitees get the creator's power level. */
  inviteesArePrivileged: boolean;
}

export const ROOM_PRESETS: Readonly<Record<RoomPreset, PresetState>> = {
  private_chat: {
    joinRule: 'invite',
    historyVisibility: 'shared',
    guestAccess: 'can_join',
    inviteesArePrivileged: false,
  },
  trusted_private_chat: {
    joinRule: 'invite',
    historyVisibility: 'shared',
    guestAccess: 'can_join',
    inviteesArePrivileged: true,
  },
  public_chat: {
    joinRule: 'public',
    historyVisibility: 'shared',
    guestAccess: undefined,
    inviteesArePrivileged: false,
  },
};

export function isRoomPreset(value: unknown): value is RoomPreset {
  return typeof value === 'string' && Object.hasOwn(ROOM_PRESETS, value);
}
