/**
 * Path and query parameters of the federation endpoints, checked before any lookup: a malformed
 * value is a 400 that names it (M_INVALID_PARAM / M_MISSING_PARAM), never a confusing 404 or a
 * 500 from deeper down.
 */
import type { FastifyRequest } from 'fastify';
import { invalidParam, missingParam } from '../http/matrix-error';

/** Room, event and user IDs are at most 255 bytes (spec appendix "Identifier Grammar"). */
const MAX_ID_LENGTH = 255;

function pathParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') throw new Error(`route has no path parameter ${name}`);
  return value;
}

function sigilled(value: string, sigil: string, what: string): string {
  if (!value.startsWith(sigil) || value.length < 2 || value.length > MAX_ID_LENGTH) {
    throw invalidParam(`${JSON.stringify(value.slice(0, 300))} is not ${what}`);
  }
  return value;
}

export const roomIdParam = (request: FastifyRequest): string =>
  sigilled(pathParam(request, 'roomId'), '!', 'a room ID');

export const eventIdParam = (request: FastifyRequest): string =>
  sigilled(pathParam(request, 'eventId'), '$', 'an event ID');

/** Checks a value that must be an event ID (query parameters, body fields). */
export const requireEventId = (value: string): string => sigilled(value, '$', 'an event ID');

/** Every value of a query parameter (`?v=$a&v=$b` gives both). */
export function queryValues(request: FastifyRequest, name: string): string[] {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}

/** A query parameter given at most once; 400 if repeated. */
export function optionalQuery(request: FastifyRequest, name: string): string | undefined {
  const values = queryValues(request, name);
  if (values.length > 1) throw invalidParam(`query parameter "${name}" is given more than once`);
  return values[0];
}

export function requiredQuery(request: FastifyRequest, name: string): string {
  const value = optionalQuery(request, name);
  if (value === undefined) throw missingParam(`query parameter "${name}" is required`);
  return value;
}

/** A non-negative decimal integer (no sign, no exponent); 400 otherwise. */
export function parseNonNegativeInteger(raw: string, name: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) {
    throw invalidParam(`"${name}" must be a non-negative integer, not ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}
