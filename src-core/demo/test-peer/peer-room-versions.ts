/**
 * The room versions the test peer can host (10, 11, 12), as its own small flag table: the same
 * habit as the server's registry (no `if (version === '12')` in code), kept separate so the peer
 * cannot inherit a mistake from it. Spec: https://spec.matrix.org/latest/rooms/.
 */
export type PeerRoomVersionId = '10' | '11' | '12';

export interface PeerRoomVersion {
  readonly id: PeerRoomVersionId;
  /** v11+: redaction per MSC2176/MSC3821/MSC3989 (keeps all create content, drops `origin`...). */
  readonly updatedRedaction: boolean;
  /** v10: the create event names its `creator` in content; v11+ uses the sender (MSC2175). */
  readonly createHasCreatorField: boolean;
  /**
   * v12: room ID = `!` + the create event's reference hash; the create event has no room_id and
   * is never listed in auth_events (MSC4291).
   */
  readonly roomIdFromCreateEvent: boolean;
  /** v12: creators have unlimited power and must not appear in power levels `users` (MSC4289). */
  readonly privilegedCreators: boolean;
}

const v10: PeerRoomVersion = {
  id: '10',
  updatedRedaction: false,
  createHasCreatorField: true,
  roomIdFromCreateEvent: false,
  privilegedCreators: false,
};
const v11: PeerRoomVersion = {
  ...v10,
  id: '11',
  updatedRedaction: true,
  createHasCreatorField: false,
};
const v12: PeerRoomVersion = {
  ...v11,
  id: '12',
  roomIdFromCreateEvent: true,
  privilegedCreators: true,
};

const VERSIONS: ReadonlyMap<string, PeerRoomVersion> = new Map(
  [v10, v11, v12].map((v) => [v.id, v]),
);

export function peerRoomVersion(id: string): PeerRoomVersion {
  const version = VERSIONS.get(id);
  if (!version) throw new Error(`the test peer does not host room version ${JSON.stringify(id)}`);
  return version;
}
