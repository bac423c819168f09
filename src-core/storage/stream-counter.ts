/**
 * The stream position generator. One process owns the database and every write is synchronous,
 * so an in-memory counter seeded from the highest stored position is race-free and needs no
 * table of its own. Everything that /sync streams (events, account data, receipts, …) takes its
 * position from here, so a sync token is a single number.
 */
export class StreamCounter {
  constructor(private current: number) {}

  /** The position of the newest committed-or-pending item. */
  get position(): number {
    return this.current;
  }

  next(): number {
    this.current += 1;
    return this.current;
  }

  /** Undo positions handed out in a transaction that rolled back, so no gap confuses readers. */
  resetTo(position: number): void {
    this.current = position;
  }
}
