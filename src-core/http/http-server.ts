/**
 * The one HTTPS listener. Client, federation, key and admin APIs all register their routes on
 * this fastify instance; this file only owns what is common to them: TLS, body limits, the
 * Matrix error shape, CORS for the client API, and request logging.
 */
import Fastify from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../logging/logger';
import { MatrixError, unrecognized } from './matrix-error';

export interface HttpServerOptions {
  tls: { certificatePem: string; keyPem: string };
  logger: Logger;
  /** Request bodies larger than this are refused with 413 M_TOO_LARGE. */
  bodyLimitBytes: number;
}

/** Client-server API responses must be readable from web clients (spec: "Web Browser Clients"). */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
  'access-control-allow-headers': 'X-Requested-With, Content-Type, Authorization',
} as const;

function isClientApi(url: string): boolean {
  return url.startsWith('/_matrix/client/') || url.startsWith('/_matrix/media/');
}

/** Maps fastify's own request errors (bad JSON, oversized body, …) to Matrix error codes. */
function toMatrixError(error: FastifyError): MatrixError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MatrixError(413, 'M_TOO_LARGE', 'Request body is too large');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MatrixError(400, 'M_NOT_JSON', `Request body is not valid JSON: ${error.message}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MatrixError(400, 'M_NOT_JSON', 'Request body must be JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new MatrixError(400, 'M_UNKNOWN', 'Content-Length does not match the body');
    default:
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new MatrixError(error.statusCode, 'M_UNKNOWN', error.message);
      }
      return undefined;
  }
}

export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const app = Fastify({
    https: { cert: options.tls.certificatePem, key: options.tls.keyPem },
    bodyLimit: options.bodyLimitBytes,
    logger: false,
    // Matrix IDs in paths contain characters like ':' and '@'; keep the router strict otherwise.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 1000 },
    forceCloseConnections: true,
  });
  const log = options.logger.child({ component: 'http' });

  app.addHook('onRequest', async (request, reply) => {
    if (isClientApi(request.url)) void reply.headers(CORS_HEADERS);
  });
  app.addHook('onResponse', async (request, reply) => {
    log.debug('request', {
      method: request.method,
      // Never log query strings: they may carry access tokens.
      path: request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
  });

  app.options('/_matrix/client/*', async (_request, reply) => reply.code(204).send());

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const matrixError = error instanceof MatrixError ? error : toMatrixError(error);
    if (matrixError) {
      return reply.code(matrixError.status).send(matrixError.toJson());
    }
    log.error('unhandled error in request handler', {
      method: request.method,
      path: request.url.split('?')[0],
      error: error.stack ?? String(error),
    });
    return reply.code(500).send({ errcode: 'M_UNKNOWN', error: 'Internal server error' });
  });

  app.setNotFoundHandler((request, reply) => {
    const error = unrecognized(
      `Unrecognized request: ${request.method} ${request.url.split('?')[0]}`,
    );
    return reply.code(error.status).send(error.toJson());
  });
  return app;
}
