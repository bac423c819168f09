/**
 * Why an outbound federation request failed, with enough context for callers to decide what to
 * do next: try another server in the room (`isServerUnreachable`), back off, or give up on a
 * definite answer such as 403 M_FORBIDDEN.
 */

export type FederationFailureKind =
  /** DNS, TCP or TLS failed before any HTTP response. */
  | 'connect'
  | 'timeout'
  /** The peer answered with a non-2xx status. */
  | 'http'
  /** The response body was larger than the caller allowed; the request was aborted. */
  | 'too_large'
  /** The response was not the strict JSON we require. */
  | 'bad_response'
  /** We gave up ourselves (shutdown). */
  | 'aborted'
  /** Our own destination lists forbid talking to this server; nothing was sent. */
  | 'denied';

export class FederationRequestError extends Error {
  constructor(
    readonly destination: string,
    readonly method: string,
    readonly path: string,
    readonly kind: FederationFailureKind,
    message: string,
    readonly details: {
      status?: number;
      errcode?: string;
      /** The peer's error body, when it sent JSON. */
      body?: unknown;
      cause?: unknown;
    } = {},
  ) {
    super(
      `${method} ${path} to ${destination} failed (${kind}` +
        `${details.status === undefined ? '' : ` ${details.status}`}` +
        `${details.errcode === undefined ? '' : ` ${details.errcode}`}): ${message}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.name = 'FederationRequestError';
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get errcode(): string | undefined {
    return this.details.errcode;
  }

  /**
   * True when the peer could not give any answer (down, slow, misbehaving), as opposed to a
   * deliberate refusal; callers with other candidate servers should try the next one.
   */
  get isServerUnreachable(): boolean {
    return (
      this.kind !== 'http' ||
      this.details.status === undefined ||
      this.details.status >= 500 ||
      this.details.status === 429
    );
  }
}
