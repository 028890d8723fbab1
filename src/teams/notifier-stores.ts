/**
 * What the Teams notifier keeps, as ports: the composition root passes implementations in (the bot's
 * storage in production, memory in tests), so nothing in `teams/` knows where or how they are stored.
 */

/** One stored document, changed only on the version it was read at. */
export interface DocumentStore<T> {
  read(): Promise<T | null>;
  /** Writes it whatever is stored now (the last writer wins). */
  replace(value: T): Promise<void>;
  /**
   * Reads, edits and writes; edits again when another writer came first, up to `attempts` times. An
   * edit that returns null writes nothing. False when every attempt lost to another writer.
   */
  change(edit: (current: T | null) => T | null, attempts: number): Promise<boolean>;
}

/** One thing waiting for delivery, in the order it was added. */
export interface QueuedDelivery<T> {
  readonly id: string;
  readonly key: string | null;
  readonly delivery: T;
}

/** The durable outbox: what must still reach Teams, shared by every instance. */
export interface DeliveryQueue<T> {
  read(): Promise<{
    readonly items: readonly QueuedDelivery<T>[];
    /** Set when the channel refused the bot (403): nothing goes out until it is cleared. */
    readonly blockedSince: string | null;
  }>;
  /** Adds an item at the end, or in the place of a waiting item with the same key. */
  add(delivery: T, key: string | null): Promise<void>;
  remove(id: string): Promise<void>;
  /** Holds every item; true if it was not held before. */
  block(now: Date): Promise<boolean>;
  unblock(): Promise<void>;
}
