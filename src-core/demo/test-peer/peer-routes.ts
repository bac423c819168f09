/** Which handler answers which method and path. */
import { handleServerKeys, handleVersion } from './key-handlers';
import {
  handleMakeJoin,
  handleMakeLeave,
  handleSendJoin,
  handleSendLeave,
} from './membership-handlers';
import type { PeerEndpoint } from './peer-endpoints';
import type { PeerHandlerContext, PeerReply, PeerRequest } from './peer-handler-context';
import { handleQueryDirectory, handleQueryProfile } from './query-handlers';
import {
  handleBackfill,
  handleEvent,
  handleEventAuth,
  handleGetMissingEvents,
  handleState,
  handleStateIds,
} from './room-data-handlers';
import { handleSendTransaction } from './transaction-handler';

export interface PeerRoute {
  endpoint: PeerEndpoint;
  method: string;
  /** Captures the path parameters, still percent-encoded. */
  pattern: RegExp;
  handle(context: PeerHandlerContext, request: PeerRequest): PeerReply;
}

const SEGMENT = '([^/]+)';
const FED = '/_matrix/federation';

function route(
  endpoint: PeerEndpoint,
  method: string,
  path: string,
  handle: PeerRoute['handle'],
): PeerRoute {
  return { endpoint, method, pattern: new RegExp(`^${path}$`), handle };
}

export const PEER_ROUTES: readonly PeerRoute[] = [
  route('key_server', 'GET', `/_matrix/key/v2/server(?:/${SEGMENT})?`, handleServerKeys),
  route('version', 'GET', `${FED}/v1/version`, handleVersion),
  route('make_join', 'GET', `${FED}/v1/make_join/${SEGMENT}/${SEGMENT}`, handleMakeJoin),
  route('send_join', 'PUT', `${FED}/v2/send_join/${SEGMENT}/${SEGMENT}`, handleSendJoin),
  route('make_leave', 'GET', `${FED}/v1/make_leave/${SEGMENT}/${SEGMENT}`, handleMakeLeave),
  route('send_leave', 'PUT', `${FED}/v2/send_leave/${SEGMENT}/${SEGMENT}`, handleSendLeave),
  route('state_ids', 'GET', `${FED}/v1/state_ids/${SEGMENT}`, handleStateIds),
  route('state', 'GET', `${FED}/v1/state/${SEGMENT}`, handleState),
  route('event', 'GET', `${FED}/v1/event/${SEGMENT}`, handleEvent),
  route('event_auth', 'GET', `${FED}/v1/event_auth/${SEGMENT}/${SEGMENT}`, handleEventAuth),
  route(
    'get_missing_events',
    'POST',
    `${FED}/v1/get_missing_events/${SEGMENT}`,
    handleGetMissingEvents,
  ),
  route('backfill', 'GET', `${FED}/v1/backfill/${SEGMENT}`, handleBackfill),
  route('query_directory', 'GET', `${FED}/v1/query/directory`, handleQueryDirectory),
  route('query_profile', 'GET', `${FED}/v1/query/profile`, handleQueryProfile),
  route('send', 'PUT', `${FED}/v1/send/${SEGMENT}`, handleSendTransaction),
];
