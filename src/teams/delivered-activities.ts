import type { Activity } from 'botbuilder';
import { takeDelivery, type RecentDeliveries } from '../domain/recent-deliveries';
import type { DocumentStore } from './notifier-stores';

/** What is kept of the activities taken: their keys and when each was taken. */
export interface DeliveredActivityIds {
  readonly ids: RecentDeliveries;
}

/** Attempts before a claim gives up on a busy document (several instances claiming at once). */
const ATTEMPTS = 5;

/**
 * The activities this bot has taken, kept in its storage (a document store given by the composition root)
 * so a re-delivery is recognised after a restart and on another instance. Claiming is a read and a write on
 * the version read: of two deliveries of the same id, only one write can succeed.
 */
export class DeliveredActivities {
  constructor(
    private readonly store: DocumentStore<DeliveredActivityIds>,
    private readonly now: () => number = Date.now
  ) {}

  /** True the first time an activity arrives; false for every later copy of it. */
  async claim(activity: Partial<Activity>): Promise<boolean> {
    if (!activity.id) return true;
    // Message ids are unique within a conversation (a channel's thread ids share the channel's).
    const key = `${(activity.conversation?.id ?? '').split(';messageid=')[0]}/${activity.id}`;
    let seenBefore = false;
    const written = await this.store.change((current) => {
      const taken = takeDelivery(current?.ids ?? {}, key, this.now());
      seenBefore = taken.seenBefore;
      return taken.seenBefore ? null : { ids: taken.next };
    }, ATTEMPTS);
    if (!written)
      throw new Error(
        `Could not record activity ${activity.id} as taken: ${ATTEMPTS} other writers came first.`
      );
    return !seenBefore;
  }
}
