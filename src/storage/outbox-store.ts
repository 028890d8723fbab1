import { randomUUID } from 'node:crypto';
import type { Storage } from 'botbuilder';
import { StoredDocument } from './stored-document';

/** One thing to deliver, in the order it was added. */
export interface OutboxItem<T> {
  readonly id: string;
  /** A newer item with the same key takes this one's place while it waits (a progress card). */
  readonly key: string | null;
  readonly delivery: T;
}

export interface OutboxContents<T> {
  readonly items: readonly OutboxItem<T>[];
  /** Set when the destination refused the bot (403): nothing is delivered until it is cleared. */
  readonly blockedSince: string | null;
}

interface OutboxDocument<T> {
  items: OutboxItem<T>[];
  blockedSince: string | null;
}

/** ETag conflicts tried again before giving up: each writer changes one item, so this settles quickly. */
const WRITE_ATTEMPTS = 20;

/**
 * What must still reach Teams, kept in the bot's storage so it survives a restart and is shared by every
 * instance: one document, each change written only on the ETag it was read with.
 */
export class OutboxStore<T> {
  private readonly document: StoredDocument<OutboxDocument<T>>;

  constructor(storage: Storage, documentKey = 'teams/outbox') {
    this.document = new StoredDocument(storage, documentKey);
  }

  async read(): Promise<OutboxContents<T>> {
    const stored = await this.document.read();
    return { items: stored?.items ?? [], blockedSince: stored?.blockedSince ?? null };
  }

  /** Adds an item at the end, or in the place of a waiting item with the same key. */
  add(delivery: T, key: string | null = null): Promise<void> {
    return this.change((document) => {
      const item = { id: randomUUID(), key, delivery };
      const waiting = key === null ? -1 : document.items.findIndex((i) => i.key === key);
      if (waiting >= 0) document.items[waiting] = item;
      else document.items.push(item);
    });
  }

  /** Removes a delivered (or given up) item; one replaced meanwhile by a newer stays. */
  remove(id: string): Promise<void> {
    return this.change((document) => {
      document.items = document.items.filter((i) => i.id !== id);
    });
  }

  /** Holds every item; true if it was not held before. */
  async block(now: Date): Promise<boolean> {
    let newly = false;
    await this.change((document) => {
      newly = document.blockedSince === null;
      document.blockedSince ??= now.toISOString();
    });
    return newly;
  }

  unblock(): Promise<void> {
    return this.change((document) => {
      document.blockedSince = null;
    });
  }

  private async change(edit: (document: OutboxDocument<T>) => void): Promise<void> {
    const written = await this.document.change((stored) => {
      const document = {
        items: [...(stored?.items ?? [])],
        blockedSince: stored?.blockedSince ?? null,
      };
      edit(document);
      return document;
    }, WRITE_ATTEMPTS);
    if (!written)
      throw new Error(
        `The notification outbox changed under ${WRITE_ATTEMPTS} writes in a row; the change was not stored.`
      );
  }
}
