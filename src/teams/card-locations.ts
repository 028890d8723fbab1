import type { ConversationReference } from 'botbuilder';
import type { DocumentStore } from './notifier-stores';

/** Where a posted card is, so it can be updated in place: its conversation and activity id. */
export interface CardLocation {
  readonly reference: Partial<ConversationReference>;
  readonly activityId: string;
}

/** Every posted copy of each card kept current (a sign-off card, a wave's progress), by card key. */
export type CardLocationsDocument = Readonly<Record<string, readonly CardLocation[]>>;

/** Two posts at once each read, change and write again: this many tries settle it. */
const WRITE_ATTEMPTS = 5;

/** Where each card kept current was posted, so every copy of it can be updated. */
export class CardLocations {
  constructor(private readonly store: DocumentStore<CardLocationsDocument>) {}

  async of(key: string): Promise<readonly CardLocation[]> {
    return (await this.store.read())?.[key] ?? [];
  }

  /** Records where a card was posted (instead of `replacing`, a copy Teams no longer has). */
  async remember(key: string, location: CardLocation, replacing?: CardLocation): Promise<void> {
    const written = await this.store.change((stored) => {
      const list = (stored?.[key] ?? []).filter(
        (l) => !replacing || l.activityId !== replacing.activityId
      );
      return { ...stored, [key]: [...list, location] };
    }, WRITE_ATTEMPTS);
    if (!written)
      throw new Error(
        `Where a card was posted could not be stored: the card locations changed under ${WRITE_ATTEMPTS} writes in a row.`
      );
  }
}
