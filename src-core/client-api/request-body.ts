/**
 * Typed reading of client request bodies. Every failure is a 400 naming the offending field,
 * so no handler ever sees a value of the wrong type:
 * - no JSON body at all                         → M_NOT_JSON
 * - valid JSON that is not an object            → M_BAD_JSON
 * - a required field missing                    → M_MISSING_PARAM
 * - a field of the wrong JSON type              → M_BAD_JSON
 * Value checks beyond the type (lengths, grammars) belong to the handler or service and answer
 * M_INVALID_PARAM.
 *
 * Optional fields treat an explicit `null` like absence: several clients send `"device_id": null`.
 */
import type { FastifyRequest } from 'fastify';
import { badJson, missingParam, notJson } from '../http/matrix-error';
import { isJsonObject } from '../rules/json';
import type { JsonObject, JsonValue } from '../rules/json';

export class BodyFields {
  constructor(
    readonly object: JsonObject,
    /** Path of this object inside the body, for messages (`auth.` for the UIA dict). */
    private readonly path = '',
  ) {}

  private present(name: string): JsonValue | undefined {
    const value = Object.hasOwn(this.object, name) ? this.object[name] : undefined;
    return value === null ? undefined : value;
  }

  private wrongType(name: string, expected: string): never {
    throw badJson(`"${this.path}${name}" must be ${expected}`);
  }

  optionalString(name: string): string | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.wrongType(name, 'a string');
    return value;
  }

  requiredString(name: string): string {
    const value = this.optionalString(name);
    if (value === undefined) throw missingParam(`Missing required field "${this.path}${name}"`);
    return value;
  }

  /** A required field that may be `null` (e.g. clearing a display name). */
  nullableString(name: string): string | null {
    if (!Object.hasOwn(this.object, name)) {
      throw missingParam(`Missing required field "${this.path}${name}"`);
    }
    const value = this.object[name];
    if (value === null) return null;
    if (typeof value !== 'string') this.wrongType(name, 'a string or null');
    return value;
  }

  optionalBoolean(name: string): boolean | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (typeof value !== 'boolean') this.wrongType(name, 'a boolean');
    return value;
  }

  optionalObject(name: string): BodyFields | undefined {
    const value = this.present(name);
    if (value === undefined) return undefined;
    if (!isJsonObject(value)) this.wrongType(name, 'an object');
    return new BodyFields(value, `${this.path}${name}.`);
  }
}

/** The request body as a JSON object (see the module comment for the errors). */
export function jsonObjectBody(request: FastifyRequest): JsonObject {
  const body = request.body;
  // fastify parses text/plain into a string; absent bodies stay undefined.
  if (body === undefined || typeof body === 'string') {
    throw notJson('Request body must be a JSON object (Content-Type: application/json)');
  }
  if (!isJsonObject(body)) throw badJson('Request body must be a JSON object');
  return body;
}

export function readBody(request: FastifyRequest): BodyFields {
  return new BodyFields(jsonObjectBody(request));
}

/** For endpoints whose body is optional (DELETE with a UIA dict): no body reads as `{}`. */
export function readOptionalBody(request: FastifyRequest): BodyFields {
  return request.body === undefined ? new BodyFields({}) : readBody(request);
}

/** Query string values are strings, or arrays when repeated; the first one wins. */
export function queryParam(request: FastifyRequest, name: string): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const value = query?.[name];
  const first: unknown = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** A path parameter by name (fastify decodes percent-escapes). */
export function pathParam(request: FastifyRequest, name: string): string {
  const value = (request.params as Record<string, unknown>)[name];
  if (typeof value !== 'string') throw new Error(`route has no path parameter ${name}`);
  return value;
}
