/**
 * Which resident to ask next: the server we joined through first, then the other servers the
 * resident named, keeping whichever works until it fails (Synapse's
 * `_prioritise_destinations_for_partial_state_resync`, cycled).
 */
export class DestinationRotation {
  private readonly order: string[];
  private index = 0;

  constructor(joinedVia: string | null, servers: readonly string[], self: string) {
    const rest = [...new Set(servers)].filter((s) => s !== joinedVia && s !== self).sort();
    this.order = joinedVia && joinedVia !== self ? [joinedVia, ...rest] : rest;
  }

  get size(): number {
    return this.order.length;
  }

  current(): string | undefined {
    return this.order[this.index % Math.max(1, this.order.length)];
  }

  /** Moves on after a failure; returns true when a full round of destinations has failed. */
  advance(): boolean {
    this.index += 1;
    return this.order.length === 0 || this.index % this.order.length === 0;
  }

  /** After a round fails, start the next one from the preferred server again. */
  restart(): void {
    this.index = 0;
  }
}
