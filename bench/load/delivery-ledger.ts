/**
 * Who must see which event in the client load run, and when the run may stop syncing.
 *
 * A send is "in flight" from its request until its answer. The sync loops may only stop once
 * sending is closed AND no send is in flight AND every accepted event reached its audience:
 * stopping as soon as sending closes and the events accepted *so far* arrived let a member end
 * its sync loop while a slow send was still being answered — the event was then persisted after
 * that member's last /sync and counted as lost (the 106 "lost" deliveries of a 60 s run were
 * this, not the server).
 */
export interface AcceptedEvent {
  roomId: string;
  senderId: string;
  /** When the sender had its 200 (performance.now()). */
  at: number;
}

export class DeliveryLedger {
  private readonly accepted = new Map<string, AcceptedEvent>();
  private readonly seenBy = new Map<string, Map<string, number>>();
  private inFlight = 0;
  private closed = false;
  /** (event, member) pairs accepted and not yet seen. */
  private missing = 0;

  constructor(
    private readonly memberIds: readonly string[],
    /** Events here must reach every member; elsewhere only their sender (its own rooms). */
    private readonly sharedRoomId: string,
  ) {
    for (const member of memberIds) this.seenBy.set(member, new Map());
  }

  sendStarted(): void {
    if (this.closed) throw new Error('DeliveryLedger: a send started after sending closed');
    this.inFlight += 1;
  }

  /** The send got its answer: `event` when it was accepted (200), undefined otherwise. */
  sendSettled(eventId?: string, event?: AcceptedEvent): void {
    if (this.inFlight === 0) throw new Error('DeliveryLedger: a send settled that never started');
    this.inFlight -= 1;
    if (eventId === undefined || event === undefined || this.accepted.has(eventId)) return;
    this.accepted.set(eventId, event);
    // A member's /sync may return the event before its sender has the 200.
    for (const member of this.audience(event)) if (!this.hasSeen(member, eventId)) this.missing++;
  }

  closeSending(): void {
    this.closed = true;
  }

  /** Records the first time `member` saw the event (later sightings keep the first time). */
  see(memberId: string, eventId: string, at: number): void {
    const seen = this.seenBy.get(memberId);
    if (!seen || seen.has(eventId)) return;
    seen.set(eventId, at);
    const event = this.accepted.get(eventId);
    if (event && this.audience(event).includes(memberId)) this.missing--;
  }

  hasSeen(memberId: string, eventId: string): boolean {
    return this.seenBy.get(memberId)?.has(eventId) ?? false;
  }

  seenAt(memberId: string, eventId: string): number | undefined {
    return this.seenBy.get(memberId)?.get(eventId);
  }

  /** No send can still add an event: sending closed and every send answered. */
  get sendingOver(): boolean {
    return this.closed && this.inFlight === 0;
  }

  /** Everything sent has reached everyone who must see it: the sync loops may stop. */
  get complete(): boolean {
    return this.sendingOver && this.missing === 0;
  }

  audience(event: AcceptedEvent): readonly string[] {
    return event.roomId === this.sharedRoomId ? this.memberIds : [event.senderId];
  }

  /** Accepted events in acceptance order. */
  events(): IterableIterator<[string, AcceptedEvent]> {
    return this.accepted.entries();
  }

  get acceptedCount(): number {
    return this.accepted.size;
  }
}
