import type { Activity, Storage } from 'botbuilder';
import { takeDelivery, type RecentDeliveries } from '../domain/recent-deliveries';
import { isETagConflict } from '../storage/storage-migration-store';

const KEY = 'teams/delivered-activities';

/**
 * The activities this bot has taken, kept in its storage so a re-delivery is recognised after a restart
 * and on another instance. Claiming is a read and a write guarded by the ETag read: of two deliveries of
 * the same id, only one write can succeed.
 */
export class DeliveredActivities {
  constructor(
    private readonly storage: Storage,
    private readonly now: () => number = Date.now
  ) {}

  /** True the first time an activity arrives; false for every later copy of it. */
  async claim(activity: Partial<Activity>): Promise<boolean> {
    if (!activity.id) return true;
    // Message ids are unique within a conversation (a channel's thread ids share the channel's).
    const key = `${(activity.conversation?.id ?? '').split(';messageid=')[0]}/${activity.id}`;
    for (let attempt = 1; ; attempt++) {
      const stored = (await this.storage.read([KEY]))[KEY] as
        { ids?: RecentDeliveries; eTag?: string } | undefined;
      const taken = takeDelivery(stored?.ids ?? {}, key, this.now());
      if (taken.seenBefore) return false;
      try {
        await this.storage.write({
          [KEY]: { ids: taken.next, ...(stored?.eTag ? { eTag: stored.eTag } : {}) },
        });
        return true;
      } catch (error) {
        if (!isETagConflict(error) || attempt >= 5) throw error;
      }
    }
  }
}
