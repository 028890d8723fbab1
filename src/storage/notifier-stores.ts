import type { Storage } from 'botbuilder';
import { OutboxStore } from './outbox-store';
import { StoredDocument } from './stored-document';

/**
 * The Teams notifier's three documents in the bot's storage: the notification channel, where each card
 * was posted, and the outbox of what must still reach Teams. Their contents are the notifier's to shape.
 */
export function notifierStoresIn<Channel extends object, CardLocations extends object, Delivery>(
  storage: Storage
) {
  return {
    channel: new StoredDocument<Channel>(storage, 'teams/notification-channel'),
    cardLocations: new StoredDocument<CardLocations>(storage, 'teams/card-locations'),
    outbox: new OutboxStore<Delivery>(storage),
  };
}
