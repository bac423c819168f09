/**
 * Sessions of User-Interactive Authentication (spec: client-server API, "User-Interactive
 * Authentication API"). A session ID ties the stages of one multi-request flow together; we keep
 * them in memory only (a restart just makes clients start over) with an expiry and a size cap so
 * unauthenticated callers cannot grow the map without bound.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../util/clock';

interface Session {
  createdTs: number;
  completed: Set<string>;
}

const SESSION_LIFETIME_MS = 15 * 60 * 1000;
const MAX_SESSIONS = 10_000;

export class UserInteractiveAuthSessions {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  create(): string {
    this.expire();
    if (this.sessions.size >= MAX_SESSIONS) {
      // Map iteration order is insertion order: the first entry is the oldest session.
      const oldest = this.sessions.keys().next();
      if (!oldest.done) this.sessions.delete(oldest.value);
    }
    const id = randomBytes(18).toString('base64url');
    this.sessions.set(id, { createdTs: this.clock.now(), completed: new Set() });
    return id;
  }

  has(id: string): boolean {
    this.expire();
    return this.sessions.has(id);
  }

  completeStage(id: string, stage: string): void {
    this.sessions.get(id)?.completed.add(stage);
  }

  completedStages(id: string): string[] {
    return [...(this.sessions.get(id)?.completed ?? [])];
  }

  /** A finished flow's session must not be replayed to authorise a second operation. */
  finish(id: string): void {
    this.sessions.delete(id);
  }

  private expire(): void {
    const cutoff = this.clock.now() - SESSION_LIFETIME_MS;
    for (const [id, session] of this.sessions) {
      if (session.createdTs >= cutoff) break;
      this.sessions.delete(id);
    }
  }
}
