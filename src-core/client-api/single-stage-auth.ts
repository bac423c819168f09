/**
 * User-Interactive Auth (spec: client-server API, "User-Interactive Authentication API") for
 * endpoints that offer exactly one flow of one stage — all of ours: /register (`m.login.dummy`
 * or `m.login.registration_token`) and device deletion (`m.login.password`).
 *
 * Outcomes follow the spec: no `auth` → 401 with flows and a new session; a failed attempt → the
 * same 401 plus `errcode`/`error`; a passed stage → the caller performs the operation and then
 * calls `finish` so the session cannot authorise a second one.
 */
import type { UserInteractiveAuthSessions } from '../accounts/user-interactive-auth-sessions';
import { MatrixError } from '../http/matrix-error';
import type { JsonObject } from '../rules/json';
import type { BodyFields } from './request-body';

export type UiaOutcome =
  { kind: 'done'; sessionId: string } | { kind: 'challenge'; body: JsonObject };

/** Judges one attempt at the stage: an error to send back with the 401, or undefined if passed. */
export type StageCheck = (auth: BodyFields) => Promise<MatrixError | undefined>;

export class SingleStageAuth {
  constructor(
    readonly stage: string,
    private readonly sessions: UserInteractiveAuthSessions,
  ) {}

  private challenge(sessionId: string, error?: MatrixError): UiaOutcome {
    return {
      kind: 'challenge',
      body: {
        ...(error ? error.toJson() : {}),
        flows: [{ stages: [this.stage] }],
        params: {},
        session: sessionId,
        completed: this.sessions.completedStages(sessionId),
      },
    };
  }

  async attempt(auth: BodyFields | undefined, check: StageCheck): Promise<UiaOutcome> {
    const sessions = this.sessions;
    // Spec: a UIA endpoint never succeeds without auth, even when the only stage is dummy.
    if (!auth) return this.challenge(sessions.create());
    const given = auth.optionalString('session');
    if (given !== undefined && !sessions.has(given)) {
      // Synapse answers an unknown session the same way (400, not a fresh 401).
      throw new MatrixError(400, 'M_UNKNOWN', `Unknown UIA session "${given}"`);
    }
    // Like Synapse, an auth dict without a session starts one (clients that skip the 401).
    const sessionId = given ?? sessions.create();
    const type = auth.optionalString('type');
    if (type === undefined) {
      // A retry with just the session: done if the stage was completed earlier.
      return sessions.completedStages(sessionId).includes(this.stage)
        ? { kind: 'done', sessionId }
        : this.challenge(sessionId);
    }
    if (type !== this.stage) {
      return this.challenge(
        sessionId,
        new MatrixError(401, 'M_UNRECOGNIZED', `Auth type "${type}" is not offered here`),
      );
    }
    const failure = await check(auth);
    if (failure) return this.challenge(sessionId, failure);
    sessions.completeStage(sessionId, this.stage);
    return { kind: 'done', sessionId };
  }

  finish(sessionId: string): void {
    this.sessions.finish(sessionId);
  }
}
