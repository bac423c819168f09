/**
 * X-Matrix request authentication (server-server API "Request Authentication"): the peer signs
 * `{method, uri, origin, destination, content?}` for every request it makes, and reads the
 * claimed origin of requests it receives (recorded, not verified).
 */
import type { PeerJson, PeerJsonObject } from './peer-json';
import type { PeerSigningKey } from './peer-signing-key';
import { signatureOf } from './peer-signing-key';

export function xMatrixAuthorization(request: {
  method: string;
  uri: string;
  origin: string;
  destination: string;
  content?: PeerJson;
  key: PeerSigningKey;
}): string {
  const signed: PeerJsonObject = {
    method: request.method,
    uri: request.uri,
    origin: request.origin,
    destination: request.destination,
    ...(request.content === undefined ? {} : { content: request.content }),
  };
  const sig = signatureOf(signed, request.key);
  return `X-Matrix origin="${request.origin}",destination="${request.destination}",key="${request.key.keyId}",sig="${sig}"`;
}

/** The `origin` parameter of an X-Matrix Authorization header, if there is one. */
export function claimedOrigin(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^X-Matrix\s/i.test(authorization)) return undefined;
  const match = /(?:^X-Matrix\s+|,)\s*origin\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/i.exec(
    authorization,
  );
  return match?.[1] ?? match?.[2];
}
