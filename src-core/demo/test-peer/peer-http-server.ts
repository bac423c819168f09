/**
 * The peer's HTTPS listener: parses each request, logs it, applies the armed faults, then runs
 * the route's handler. Plain `node:https` rather than a framework, so a fault can do anything to
 * the connection (hold it, drop it, send a broken body).
 */
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import type { FaultPlan } from './fault-injection';
import type { PeerHandlerContext, PeerReply } from './peer-handler-context';
import { matrixError } from './peer-handler-context';
import type { LoggedRequest, RequestLog } from './request-log';
import { PEER_ROUTES } from './peer-routes';
import { claimedOrigin } from './x-matrix-auth';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
  });
  res.end(body);
}

function queryRecord(query: URLSearchParams): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [name, value] of query) (record[name] ??= []).push(value);
  return record;
}

async function answer(
  context: PeerHandlerContext,
  faults: FaultPlan,
  log: RequestLog,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://peer.invalid');
  const text = await readBody(req);
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const method = req.method ?? 'GET';
  const matched = PEER_ROUTES.map((r) => ({
    r,
    m: r.method === method && r.pattern.exec(url.pathname),
  })).find((x) => x.m);
  const origin = claimedOrigin(req.headers.authorization);
  const entry: LoggedRequest = {
    endpoint: matched?.r.endpoint ?? 'unknown',
    method,
    path: url.pathname,
    query: queryRecord(url.searchParams),
    origin,
    body,
    time: Date.now(),
    status: undefined,
  };
  log.record(entry);
  const reply = (status: number, payload: string | Buffer): void => {
    entry.status = status;
    send(res, status, payload);
  };
  if (!matched?.m) {
    const error = matrixError(
      404,
      'M_UNRECOGNIZED',
      `the test peer does not serve ${method} ${url.pathname}`,
    );
    reply(error.status, JSON.stringify(error.body));
    return;
  }
  for (const fault of faults.take(matched.r.endpoint)) {
    switch (fault.kind) {
      case 'hold':
        await fault.hold.wait();
        break;
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        break;
      case 'close':
        req.socket.destroy();
        return;
      case 'fail':
        reply(fault.status, JSON.stringify({ errcode: fault.errcode, error: fault.error }));
        return;
      case 'respond':
        reply(
          fault.status,
          typeof fault.body === 'string' || Buffer.isBuffer(fault.body)
            ? fault.body
            : JSON.stringify(fault.body),
        );
        return;
    }
  }
  let result: PeerReply;
  try {
    result = matched.r.handle(context, {
      endpoint: matched.r.endpoint,
      method,
      params: matched.m.slice(1).map((p) => (p === undefined ? '' : decodeURIComponent(p))),
      query: url.searchParams,
      body,
      origin,
    });
  } catch (error) {
    result = matrixError(500, 'M_UNKNOWN', `test peer handler failed: ${(error as Error).message}`);
  }
  reply(result.status, JSON.stringify(result.body));
}

export function createPeerHttpServer(
  tls: { cert: string; key: string },
  context: PeerHandlerContext,
  faults: FaultPlan,
  log: RequestLog,
): Server {
  return createServer(tls, (req, res) => {
    answer(context, faults, log, req, res).catch((error: unknown) => {
      if (!res.headersSent)
        send(res, 500, JSON.stringify({ errcode: 'M_UNKNOWN', error: String(error) }));
    });
  });
}
