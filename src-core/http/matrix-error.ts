/**
 * Errors that reach a client or peer as Matrix error JSON (`{ errcode, error }` with an HTTP
 * status). Anything else thrown in a handler is a bug: logged with context, answered 500.
 */
import type { JsonObject } from '../rules/json';

export class MatrixError extends Error {
  constructor(
    readonly status: number,
    readonly errcode: string,
    message: string,
    /** Extra fields for the body, e.g. `retry_after_ms` or `soft_logout`. */
    readonly extra: JsonObject = {},
  ) {
    super(message);
    this.name = 'MatrixError';
  }

  toJson(): JsonObject {
    return { errcode: this.errcode, error: this.message, ...this.extra };
  }
}

export const badJson = (message: string): MatrixError =>
  new MatrixError(400, 'M_BAD_JSON', message);
export const notJson = (message: string): MatrixError =>
  new MatrixError(400, 'M_NOT_JSON', message);
export const invalidParam = (message: string): MatrixError =>
  new MatrixError(400, 'M_INVALID_PARAM', message);
export const missingParam = (message: string): MatrixError =>
  new MatrixError(400, 'M_MISSING_PARAM', message);
export const notFound = (message: string): MatrixError =>
  new MatrixError(404, 'M_NOT_FOUND', message);
export const forbidden = (message: string): MatrixError =>
  new MatrixError(403, 'M_FORBIDDEN', message);
export const unrecognized = (message: string): MatrixError =>
  new MatrixError(404, 'M_UNRECOGNIZED', message);
