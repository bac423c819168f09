/**
 * Argument checks for the admin IPC methods. Whatever a compromised or buggy page sends arrives
 * here structurally cloned but otherwise unchecked (Electron's security checklist: validate IPC
 * input), so each method's arguments are checked against its AdminApi signature before the core
 * sees them. Failures are MatrixError 400 M_INVALID_PARAM, as over HTTP.
 */
import type { AdminApi, JoinRoomRequest } from '../src-core/admin-api/admin-api-types';
import { MatrixError } from '../src-core/http/matrix-error';
import type { AdminMethodName } from '../renderer/src/transport/ipc-bridge';

/** Matrix identifiers are at most 255 bytes (spec: Appendices, Identifier Grammar). */
const MAX_IDENTIFIER_LENGTH = 255;
const MAX_VIA_SERVERS = 50;

function invalid(method: string, message: string): MatrixError {
  return new MatrixError(400, 'M_INVALID_PARAM', `${method}: ${message}`);
}

function identifier(method: string, name: string, value: unknown, sigil: RegExp): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_IDENTIFIER_LENGTH) {
    throw invalid(method, `${name} must be a non-empty string of at most 255 characters`);
  }
  if (!sigil.test(value)) throw invalid(method, `${name} ${JSON.stringify(value)} is malformed`);
  return value;
}

const roomIdArg = (method: string, value: unknown): string =>
  identifier(method, 'roomId', value, /^!/);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKeys(method: string, value: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(value).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw invalid(method, `unknown field(s) ${extra.join(', ')}`);
}

function arity(method: string, args: readonly unknown[], min: number, max: number): void {
  // Trailing `undefined`s are what an omitted optional argument looks like after cloning.
  let length = args.length;
  while (length > min && args[length - 1] === undefined) length--;
  if (length < min || length > max) {
    throw invalid(method, `expects ${min === max ? min : `${min} to ${max}`} argument(s)`);
  }
}

function listEventsOptions(method: string, value: unknown): Parameters<AdminApi['listEvents']>[1] {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw invalid(method, 'options must be an object');
  onlyKeys(method, value, ['fromDepth', 'limit', 'includeOutliers']);
  const options: NonNullable<Parameters<AdminApi['listEvents']>[1]> = {};
  const { fromDepth, limit, includeOutliers } = value;
  if (fromDepth !== undefined) {
    if (!Number.isSafeInteger(fromDepth) || (fromDepth as number) < 0)
      throw invalid(method, 'fromDepth must be a non-negative integer');
    options.fromDepth = fromDepth as number;
  }
  if (limit !== undefined) {
    if (!Number.isSafeInteger(limit) || (limit as number) < 1)
      throw invalid(method, 'limit must be a positive integer');
    options.limit = limit as number;
  }
  if (includeOutliers !== undefined) {
    if (typeof includeOutliers !== 'boolean')
      throw invalid(method, 'includeOutliers must be a boolean');
    options.includeOutliers = includeOutliers;
  }
  return options;
}

function joinRoomRequest(method: string, value: unknown): JoinRoomRequest {
  if (!isPlainObject(value)) throw invalid(method, 'the request must be an object');
  onlyKeys(method, value, ['room', 'via', 'userId']);
  const room = identifier(method, 'room', value['room'], /^[!#]/);
  const via = value['via'];
  if (!Array.isArray(via) || via.length > MAX_VIA_SERVERS) {
    throw invalid(method, `via must be a list of at most ${MAX_VIA_SERVERS} server names`);
  }
  const servers = via.map((server) => identifier(method, 'via entry', server, /^[^\s/]+$/));
  const request: JoinRoomRequest = { room, via: servers };
  if (value['userId'] !== undefined)
    request.userId = identifier(method, 'userId', value['userId'], /^@/);
  return request;
}

type ArgumentsOf = { [M in AdminMethodName]: Parameters<AdminApi[M]> };

/** Each method's checker: the raw IPC arguments in, the typed arguments out (or a throw). */
export const ADMIN_ARGUMENT_CHECKS: {
  readonly [M in AdminMethodName]: (args: readonly unknown[]) => ArgumentsOf[M];
} = {
  serverInfo: (args) => (arity('serverInfo', args, 0, 0), []),
  listRooms: (args) => (arity('listRooms', args, 0, 0), []),
  getRoom: (args) => (arity('getRoom', args, 1, 1), [roomIdArg('getRoom', args[0])]),
  listEvents: (args) => {
    arity('listEvents', args, 1, 2);
    return [roomIdArg('listEvents', args[0]), listEventsOptions('listEvents', args[1])];
  },
  getEvent: (args) => {
    arity('getEvent', args, 2, 2);
    return [roomIdArg('getEvent', args[0]), identifier('getEvent', 'eventId', args[1], /^\$/)];
  },
  listStateResets: (args) => (
    arity('listStateResets', args, 1, 1),
    [roomIdArg('listStateResets', args[0])]
  ),
  pauseResync: (args) => (arity('pauseResync', args, 1, 1), [roomIdArg('pauseResync', args[0])]),
  resumeResync: (args) => (arity('resumeResync', args, 1, 1), [roomIdArg('resumeResync', args[0])]),
  stepResync: (args) => {
    arity('stepResync', args, 2, 2);
    if (typeof args[1] !== 'number') throw invalid('stepResync', 'events must be a number');
    return [roomIdArg('stepResync', args[0]), args[1]];
  },
  setResyncThrottle: (args) => {
    arity('setResyncThrottle', args, 2, 2);
    // `null` removes the throttle; the core checks the number's range.
    if (args[1] !== null && typeof args[1] !== 'number') {
      throw invalid('setResyncThrottle', 'eventsPerSecond must be a number or null');
    }
    return [roomIdArg('setResyncThrottle', args[0]), args[1]];
  },
  joinRoom: (args) => (arity('joinRoom', args, 1, 1), [joinRoomRequest('joinRoom', args[0])]),
  startDemo: (args) => (arity('startDemo', args, 0, 0), []),
};
