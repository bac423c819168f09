/**
 * Federation request bodies are parsed with the strict JSON parser: duplicate keys or lone
 * surrogates would let the bytes a peer signed mean something other than what we act on (the
 * X-Matrix signature covers the canonical form of the parsed body). Installed only in the
 * encapsulated federation plugin, so the client API keeps fastify's own parser.
 */
import type { FastifyInstance } from 'fastify';
import { notJson } from '../http/matrix-error';
import { parseJsonStrict } from '../rules/canonical-json/strict-parse';

/** `/send` carries up to 50 PDUs of up to 64 KiB each plus 100 EDUs; leave headroom. */
export const FEDERATION_BODY_LIMIT_BYTES = 20 * 1024 * 1024;

export function installStrictJsonBodyParser(
  app: FastifyInstance,
  bodyLimit = FEDERATION_BODY_LIMIT_BYTES,
): void {
  app.removeAllContentTypeParsers();
  // Any content type is read as JSON: some servers omit or vary Content-Type on federation
  // requests, and the body is JSON by definition of the API.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit }, (_request, body, done) => {
    const text = body as string;
    if (text.length === 0) {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseJsonStrict(text));
    } catch (error) {
      done(notJson(`request body is not valid JSON: ${(error as Error).message}`), undefined);
    }
  });
}
