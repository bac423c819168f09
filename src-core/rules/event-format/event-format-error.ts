/**
 * Why a PDU failed format validation. Format failures are ordinary outcomes for input from
 * untrusted servers, so they are values, never exceptions.
 */
export type EventFormatErrorCode =
  /** Not a JSON value at all: undefined, a function, a class instance, a cycle, NaN/Infinity. */
  | 'not_json'
  /** A string (or object key) holding an unpaired UTF-16 surrogate, which has no UTF-8 form. */
  | 'invalid_string'
  /** Nested deeper than we (and the JSON parsers of other servers) will follow. */
  | 'too_deep'
  | 'missing_field'
  | 'unexpected_field'
  | 'wrong_type'
  /** The whole event or one of its size-limited fields is over the spec's byte limit. */
  | 'too_large'
  | 'too_many_prev_events'
  | 'too_many_auth_events'
  /** An auth_events entry the room version forbids (v12: the create event, or any on the create event). */
  | 'forbidden_auth_event'
  | 'bad_identifier'
  /** An integer outside the range the field allows (depth). */
  | 'out_of_range'
  | 'non_integer_power_level'
  /** v6+: a float, or an integer outside ±(2^53−1), anywhere in the event. */
  | 'non_canonical_number'
  /** The validator itself failed; reported rather than thrown so callers never see an exception. */
  | 'internal_error';

export interface EventFormatError {
  readonly code: EventFormatErrorCode;
  /** JSONPath-like location of the offending value, e.g. `$.content.users.@a:b` or `$.prev_events[3]`. */
  readonly path: string;
  /** A human sentence. */
  readonly message: string;
}

export function formatError(
  code: EventFormatErrorCode,
  path: string,
  message: string,
): EventFormatError {
  return { code, path, message };
}
