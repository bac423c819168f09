/**
 * Row types for Kysely, one interface per table in `migrations/`. Kept by hand next to the SQL:
 * a column added in a migration is added here in the same commit.
 */
import type { Generated } from 'kysely';

export interface RoomsTable {
  room_id: string;
  room_version: string;
  creator: string | null;
  is_public: number;
  created_ts: number;
  current_state_group: number | null;
}

export interface EventsTable {
  event_id: string;
  stream_ordering: number;
  room_id: string;
  type: string;
  state_key: string | null;
  sender: string;
  origin_server_ts: number;
  depth: number;
  received_ts: number;
  outlier: number;
  soft_failed: number;
  redacted_by: string | null;
  json: string;
}

export interface EventEdgesTable {
  event_id: string;
  prev_event_id: string;
}

export interface EventAuthEdgesTable {
  event_id: string;
  auth_event_id: string;
}

export interface RejectionsTable {
  event_id: string;
  rule: string;
  reason: string;
  rejected_ts: number;
}

export interface StateGroupsTable {
  state_group: Generated<number>;
  room_id: string;
  prev_group: number | null;
  delta_size: number;
}

export interface StateGroupEntriesTable {
  state_group: number;
  type: string;
  state_key: string;
  event_id: string | null;
}

export interface EventStateTable {
  event_id: string;
  state_group_before: number;
  state_group_after: number;
  partial_state_group_before: number | null;
}

export interface CurrentStateTable {
  room_id: string;
  type: string;
  state_key: string;
  event_id: string;
}

export interface RoomMembershipsTable {
  event_id: string;
  room_id: string;
  user_id: string;
  sender: string;
  membership: string;
  display_name: string | null;
  avatar_url: string | null;
}

export interface CurrentMembershipsTable {
  room_id: string;
  user_id: string;
  membership: string;
  event_id: string;
  server_name: string;
}

export interface ForwardExtremitiesTable {
  room_id: string;
  event_id: string;
}

export interface PartialStateRoomsTable {
  room_id: string;
  device_lists_stream_id: number;
  join_event_id: string | null;
  joined_via: string | null;
}

export interface PartialStateRoomsServersTable {
  room_id: string;
  server_name: string;
}

export interface PartialStateEventsTable {
  room_id: string;
  event_id: string;
}

export interface UsersTable {
  user_id: string;
  password_hash: string | null;
  is_admin: number;
  deactivated: number;
  created_ts: number;
}

export interface ProfilesTable {
  user_id: string;
  display_name: string | null;
  avatar_url: string | null;
}

export interface DevicesTable {
  user_id: string;
  device_id: string;
  display_name: string | null;
  last_seen_ts: number | null;
}

export interface AccessTokensTable {
  token_hash: string;
  user_id: string;
  device_id: string;
  created_ts: number;
}

export interface ClientTxnIdsTable {
  user_id: string;
  device_id: string;
  txn_id: string;
  event_id: string;
  created_ts: number;
}

export interface FiltersTable {
  user_id: string;
  filter_id: number;
  json: string;
}

export interface RoomAliasesTable {
  alias: string;
  room_id: string;
  creator: string;
  servers: string;
}

export interface AccountDataTable {
  user_id: string;
  room_id: string;
  type: string;
  json: string;
  stream_id: number;
}

export interface ServerKeysTable {
  server_name: string;
  key_id: string;
  public_key: string;
  valid_until_ts: number;
  expired_ts: number | null;
  fetched_ts: number;
}

export interface FederationInboundTxnsTable {
  origin: string;
  txn_id: string;
  response_json: string;
  received_ts: number;
}

export interface FederationOutboundQueueTable {
  queue_id: Generated<number>;
  destination: string;
  kind: 'pdu' | 'edu';
  json: string;
  created_ts: number;
}

export interface DestinationBackoffTable {
  destination: string;
  failures: number;
  retry_at_ts: number;
  last_error: string | null;
}

export interface EventRedactionsTable {
  redaction_id: string;
  target_id: string;
  room_id: string;
}

export interface ForgottenRoomsTable {
  user_id: string;
  room_id: string;
}

export interface ReceiptsTable {
  room_id: string;
  receipt_type: string;
  user_id: string;
  thread_id: string;
  event_id: string;
  data: string;
  stream_id: number;
}

export interface DeviceInboxTable {
  user_id: string;
  device_id: string;
  stream_id: number;
  sender: string;
  type: string;
  content: string;
}

export interface DeletedStreamHighWaterTable {
  stream_name: string;
  position: number;
}

export interface UnPartialStatedRoomsTable {
  stream_id: number;
  room_id: string;
}

export interface PresenceTable {
  user_id: string;
  presence: 'online' | 'unavailable' | 'offline';
  status_msg: string | null;
  last_active_ts: number;
  currently_active: number;
  stream_id: number;
}

export interface DeviceListChangesTable {
  stream_id: number;
  user_id: string;
  kind: 'device' | 'signing_key';
}

export interface DeviceListsPendingTable {
  user_id: string;
  origin: string;
  kind: 'device' | 'signing_key';
  received_ts: number;
}

export interface ReceivedToDeviceMessagesTable {
  origin: string;
  message_id: string;
  received_ts: number;
}

export interface ResyncControlTable {
  room_id: string;
  paused: number;
  throttle_events_per_second: number | null;
}

export interface ResyncProgressTable {
  room_id: string;
  join_event_id: string | null;
  events_done: number;
  requests: number;
  bytes: number;
  started_ts: number;
  finished_ts: number | null;
}

export interface StateResetsTable {
  reset_id: Generated<number>;
  room_id: string;
  event_id: string | null;
  kind: 'verdict_flip' | 'state_changed' | 'current_state_changed';
  changes: string;
  omitted_keys_added: number;
  old_verdict: string | null;
  new_verdict: string | null;
  rule: string | null;
  reason: string | null;
  created_ts: number;
}

export interface DatabaseSchema {
  resync_control: ResyncControlTable;
  resync_progress: ResyncProgressTable;
  state_resets: StateResetsTable;
  rooms: RoomsTable;
  events: EventsTable;
  event_edges: EventEdgesTable;
  event_auth_edges: EventAuthEdgesTable;
  rejections: RejectionsTable;
  state_groups: StateGroupsTable;
  state_group_entries: StateGroupEntriesTable;
  event_state: EventStateTable;
  current_state: CurrentStateTable;
  room_memberships: RoomMembershipsTable;
  current_memberships: CurrentMembershipsTable;
  forward_extremities: ForwardExtremitiesTable;
  partial_state_rooms: PartialStateRoomsTable;
  partial_state_rooms_servers: PartialStateRoomsServersTable;
  partial_state_events: PartialStateEventsTable;
  users: UsersTable;
  profiles: ProfilesTable;
  devices: DevicesTable;
  access_tokens: AccessTokensTable;
  client_txn_ids: ClientTxnIdsTable;
  filters: FiltersTable;
  room_aliases: RoomAliasesTable;
  account_data: AccountDataTable;
  server_keys: ServerKeysTable;
  federation_inbound_txns: FederationInboundTxnsTable;
  federation_outbound_queue: FederationOutboundQueueTable;
  destination_backoff: DestinationBackoffTable;
  event_redactions: EventRedactionsTable;
  forgotten_rooms: ForgottenRoomsTable;
  receipts: ReceiptsTable;
  device_inbox: DeviceInboxTable;
  un_partial_stated_rooms: UnPartialStatedRoomsTable;
  deleted_stream_high_water: DeletedStreamHighWaterTable;
  presence: PresenceTable;
  device_list_changes: DeviceListChangesTable;
  device_lists_pending: DeviceListsPendingTable;
  received_to_device_messages: ReceivedToDeviceMessagesTable;
}
