/**
 * Path and query parameters shared by the room endpoints, checked before any lookup so a
 * malformed ID is a 400 naming it rather than a confusing 404.
 */
import type { FastifyRequest } from 'fastify';
import { invalidParam } from '../http/matrix-error';
import { isValidUserId } from '../rules/identifiers/user-id';
import { pathParam } from './request-body';

/** `{roomId}`: must look like a room ID (any version: `!` and something). */
export function roomIdParam(request: FastifyRequest): string {
  const roomId = pathParam(request, 'roomId');
  if (!roomId.startsWith('!') || roomId.length < 2 || roomId.length > 255) {
    throw invalidParam(`${JSON.stringify(roomId)} is not a room ID`);
  }
  return roomId;
}

export function eventIdParam(request: FastifyRequest): string {
  const eventId = pathParam(request, 'eventId');
  if (!eventId.startsWith('$') || eventId.length < 2 || eventId.length > 255) {
    throw invalidParam(`${JSON.stringify(eventId)} is not an event ID`);
  }
  return eventId;
}

export function requireUserIdValue(value: string, field: string): string {
  if (!isValidUserId(value, 'historical')) {
    throw invalidParam(`"${field}" is not a valid user ID: ${JSON.stringify(value)}`);
  }
  return value;
}

/** All values of a repeatable query parameter (`?via=a&via=b`). */
export function queryParams(request: FastifyRequest, name: string): string[] {
  const query = request.query as Record<string, unknown> | undefined;
  const value = query?.[name];
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** `limit` style query integers: absent → fallback; non-integer → 400; clamped to [0, max]. */
export function queryInteger(
  raw: string | undefined,
  name: string,
  fallback: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^\d{1,9}$/.test(raw)) throw invalidParam(`"${name}" must be a non-negative integer`);
  return Math.min(Number(raw), max);
}
