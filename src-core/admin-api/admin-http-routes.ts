/**
 * The admin API over HTTP under /_skein/admin/v1/ (same HTTPS port as everything else), plus its
 * live stream as a WebSocket at /_skein/admin/v1/stream. Thin: access checks, parameters, then
 * AdminService.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MatrixError } from '../http/matrix-error';
import type { Logger } from '../logging/logger';
import { isJsonObject } from '../rules/json';
import type { AdminAccessPolicy } from './admin-access';
import { checkAdminAccess } from './admin-access';
import type { AdminService } from './admin-service';

export const ADMIN_API_PREFIX = '/_skein/admin/v1';
export const ADMIN_STREAM_PATH = `${ADMIN_API_PREFIX}/stream`;

type RoomParams = { Params: { roomId: string } };

function body(request: FastifyRequest): Record<string, unknown> {
  const value = request.body ?? {};
  if (!isJsonObject(value)) throw new MatrixError(400, 'M_BAD_JSON', 'Body must be a JSON object');
  return value;
}

function optionalNumber(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new MatrixError(400, 'M_INVALID_PARAM', `${name} must be a number`);
  }
  return number;
}

export function registerAdminApi(
  app: FastifyInstance,
  deps: { admin: () => AdminService; policy: AdminAccessPolicy; logger: Logger },
): void {
  const log = deps.logger.child({ component: 'admin-api' });
  void app.register(async (admin) => {
    admin.addHook('onRequest', async (request) => checkAdminAccess(request.raw, deps.policy));
    const service = deps.admin;

    admin.get(`${ADMIN_API_PREFIX}/server`, async () => service().serverInfo());
    admin.get(`${ADMIN_API_PREFIX}/rooms`, async () => ({ rooms: await service().listRooms() }));
    admin.get<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId`, async (request) =>
      service().getRoom(request.params.roomId),
    );
    admin.get<RoomParams & { Querystring: Record<string, string | undefined> }>(
      `${ADMIN_API_PREFIX}/rooms/:roomId/events`,
      async (request) => {
        const { from_depth: fromDepth, limit, include_outliers: includeOutliers } = request.query;
        const from = optionalNumber(fromDepth, 'from_depth');
        const max = optionalNumber(limit, 'limit');
        return {
          events: await service().listEvents(request.params.roomId, {
            ...(from === undefined ? {} : { fromDepth: from }),
            ...(max === undefined ? {} : { limit: max }),
            includeOutliers: includeOutliers === 'true',
          }),
        };
      },
    );
    admin.get<{ Params: { roomId: string; eventId: string } }>(
      `${ADMIN_API_PREFIX}/rooms/:roomId/events/:eventId`,
      async (request) => service().getEvent(request.params.roomId, request.params.eventId),
    );
    admin.get<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId/state_resets`, async (request) => ({
      resets: await service().listStateResets(request.params.roomId),
    }));
    admin.post<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId/resync/pause`, async (request) =>
      service().pauseResync(request.params.roomId),
    );
    admin.post<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId/resync/resume`, async (request) =>
      service().resumeResync(request.params.roomId),
    );
    admin.post<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId/resync/step`, async (request) => {
      const events = optionalNumber(body(request)['events'], 'events') ?? 1;
      return service().stepResync(request.params.roomId, events);
    });
    admin.post<RoomParams>(`${ADMIN_API_PREFIX}/rooms/:roomId/resync/throttle`, async (request) => {
      const value = body(request)['events_per_second'];
      const eventsPerSecond = value === null ? null : optionalNumber(value, 'events_per_second');
      if (eventsPerSecond === undefined) {
        throw new MatrixError(
          400,
          'M_MISSING_PARAM',
          'events_per_second is required (a number or null)',
        );
      }
      return service().setResyncThrottle(request.params.roomId, eventsPerSecond);
    });
    admin.post(`${ADMIN_API_PREFIX}/join`, async (request) => {
      const fields = body(request);
      const room = fields['room'];
      const via = fields['via'] ?? [];
      const userId = fields['user_id'];
      if (typeof room !== 'string')
        throw new MatrixError(400, 'M_MISSING_PARAM', 'room is required');
      if (userId !== undefined && typeof userId !== 'string') {
        throw new MatrixError(400, 'M_INVALID_PARAM', 'user_id must be a string');
      }
      return service().joinRoom({
        room,
        via: via as string[],
        ...(userId === undefined ? {} : { userId }),
      });
    });
    admin.post(`${ADMIN_API_PREFIX}/demo`, async () => service().startDemo());
  });

  // The live stream: one WebSocket per GUI, each message one AdminStreamMessage as JSON.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  app.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (request.url ?? '').split('?')[0];
    if (path !== ADMIN_STREAM_PATH) return;
    try {
      checkAdminAccess(request, deps.policy);
    } catch (error) {
      const status = error instanceof MatrixError ? error.status : 500;
      socket.end(`HTTP/1.1 ${status} Forbidden\r\nConnection: close\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      const unsubscribe = deps.admin().subscribe((message) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
      });
      ws.on('close', unsubscribe);
      ws.on('error', (error) => log.debug('admin stream socket error', { error: String(error) }));
    });
  });
  app.addHook('onClose', async () => {
    for (const client of sockets.clients) client.terminate();
    sockets.close();
    // The demo federation's servers live exactly as long as this server.
    await deps.admin().stopDemo();
  });
}
