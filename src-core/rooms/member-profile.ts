/**
 * Local users' profiles as member events carry them: a join (and an invite of a local user)
 * includes the user's current `displayname` and `avatar_url`, as Synapse does, so clients can
 * render members without a profile lookup. RoomServices is built before AccountService, so the
 * profile source is installed afterwards (`RoomServices.setProfileSource`).
 */
import type { JsonObject } from '../rules/json';

export interface MemberProfile {
  displayName: string | null;
  avatarUrl: string | null;
}

export interface ProfileSource {
  /** A local user's profile; undefined for unknown or remote users. */
  profileOf(userId: string): MemberProfile | undefined;
}

export const noProfiles: ProfileSource = { profileOf: () => undefined };

/** The profile fields of member event content (unset fields are omitted). */
export function memberProfileContent(profile: MemberProfile | undefined): JsonObject {
  const content: JsonObject = {};
  if (profile?.displayName) content['displayname'] = profile.displayName;
  if (profile?.avatarUrl) content['avatar_url'] = profile.avatarUrl;
  return content;
}
