/**
 * make_join / send_join (v2), make_leave / send_leave (v2), make_knock / send_knock: the
 * resident side of another server's membership handshake. Thin: parse, then ResidentMembership.
 */
import type { FastifyInstance } from 'fastify';
import type { ResidentMembership } from '../federation-membership/resident-membership';
import type { MembershipKind } from '../federation-membership/resident-membership';
import { MatrixError } from '../http/matrix-error';
import type { OriginAuthenticationDeps } from './authenticate-origin';
import { authenticateOrigin, requireOrigin } from './authenticate-origin';
import type { RoomAclCheck } from './room-acl-check';

type Query = Record<string, string | string[] | undefined>;

/** MSC3706: `true`/`false` or absent; anything else is 400 M_INVALID_PARAM. */
export function parseBooleanParam(query: Query, name: string): boolean | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new MatrixError(400, 'M_INVALID_PARAM', `${name} must be true or false`);
}

function versionsParam(query: Query): string[] {
  const ver = query['ver'];
  // A make_join without `ver` predates room versions: only v1 is understood (spec).
  if (ver === undefined) return ['1'];
  return Array.isArray(ver) ? ver : [ver];
}

export function registerMembershipHandshake(
  app: FastifyInstance,
  deps: OriginAuthenticationDeps & { resident: () => ResidentMembership; acl: RoomAclCheck },
): void {
  const kinds: MembershipKind[] = ['join', 'leave', 'knock'];
  for (const kind of kinds) {
    app.get<{ Params: { roomId: string; userId: string }; Querystring: Query }>(
      `/_matrix/federation/v1/make_${kind}/:roomId/:userId`,
      { preHandler: authenticateOrigin(deps) },
      async (request) => {
        deps.acl(request.params.roomId, requireOrigin(request));
        return deps
          .resident()
          .makeMembership(
            kind,
            requireOrigin(request),
            request.params.roomId,
            request.params.userId,
            versionsParam(request.query),
          );
      },
    );
    const sendPath =
      kind === 'knock'
        ? '/_matrix/federation/v1/send_knock'
        : `/_matrix/federation/v2/send_${kind}`;
    app.put<{ Params: { roomId: string; eventId: string }; Querystring: Query }>(
      `${sendPath}/:roomId/:eventId`,
      { preHandler: authenticateOrigin(deps) },
      async (request) => {
        const stable = parseBooleanParam(request.query, 'omit_members');
        const unstable = parseBooleanParam(request.query, 'org.matrix.msc3706.partial_state');
        deps.acl(request.params.roomId, requireOrigin(request));
        return deps
          .resident()
          .sendMembership(
            kind,
            requireOrigin(request),
            request.params.roomId,
            request.params.eventId,
            request.body,
            {
              omitMembers: kind === 'join' && (stable ?? unstable ?? false),
              unstableNames: unstable !== undefined,
            },
          );
      },
    );
  }
}
