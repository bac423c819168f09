/**
 * The per-IP rate limit on the unauthenticated account endpoints (/login, /register,
 * /register/available): those are where password guessing and mass registration happen.
 * Answers 429 M_LIMIT_EXCEEDED with `retry_after_ms` and a Retry-After header (spec v1.13+).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HomeserverContext } from '../homeserver-context';
import { MatrixError } from '../http/matrix-error';

export function enforceAccountAuthRateLimit(
  request: FastifyRequest,
  reply: FastifyReply,
  context: HomeserverContext,
): void {
  const result = context.accountAuthLimiter.take(request.ip);
  if (result.allowed) return;
  void reply.header('retry-after', String(Math.ceil(result.retryAfterMs / 1000)));
  throw new MatrixError(429, 'M_LIMIT_EXCEEDED', 'Too many requests', {
    retry_after_ms: result.retryAfterMs,
  });
}
