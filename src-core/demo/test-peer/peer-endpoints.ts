/** The endpoints the test peer serves, by the names tests use for faults and request counts. */
export const PEER_ENDPOINTS = [
  'key_server',
  'version',
  'make_join',
  'send_join',
  'make_leave',
  'send_leave',
  'state_ids',
  'state',
  'event',
  'event_auth',
  'get_missing_events',
  'backfill',
  'query_directory',
  'query_profile',
  'send',
] as const;

export type PeerEndpoint = (typeof PEER_ENDPOINTS)[number];
