import { directAssignmentOf } from './direct-assignment';
import type { UserRead } from './directory-answers';

/** One licensing variant a planned group gives: a SKU with exactly these disabled plans. */
export interface LicensingVariant {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
}

/** Why a planned member is not added to the group after all. */
export type LeftOutBecause =
  /** Deleted since the plan (Graph answers 404). */
  | 'deleted'
  /** No longer holds the SKU directly (a leaver the old script unlicensed, or another admin). */
  | 'no direct license'
  /** Still holds the SKU directly, but with other disabled plans: the group would change what they get. */
  | 'changed plans';

export interface PopulationAudience {
  /** The planned members to add: each still holds the variant directly, as read just now. */
  readonly toAdd: readonly string[];
  readonly leftOut: readonly { readonly userId: string; readonly because: LeftOutBecause }[];
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const lower = new Set(a.map((x) => x.toLowerCase()));
  return (
    lower.size === new Set(b.map((x) => x.toLowerCase())).size &&
    b.every((x) => lower.has(x.toLowerCase()))
  );
};

/**
 * Who of a group's planned members to add, from a read made just before: only those who still hold the
 * variant directly. The plan was read hours or days before; meanwhile the old script keeps running and
 * takes leavers' direct licenses. Adding a leaver would license them again through the group and use a
 * seat. A read that failed for another reason (throttled, unavailable) leaves the member in, as planned:
 * the later removal waves check every user again anyway.
 */
export function populationAudience(
  planned: readonly string[],
  variant: LicensingVariant,
  reads: ReadonlyMap<string, UserRead>
): PopulationAudience {
  const toAdd: string[] = [];
  const leftOut: { userId: string; because: LeftOutBecause }[] = [];
  for (const userId of planned) {
    const read = reads.get(userId);
    if (read === undefined || read.kind === 'failed') {
      toAdd.push(userId);
      continue;
    }
    if (read.kind === 'not-found') {
      leftOut.push({ userId, because: 'deleted' });
      continue;
    }
    const direct = directAssignmentOf(read.user, variant.skuId);
    if (!direct) leftOut.push({ userId, because: 'no direct license' });
    else if (!sameSet(direct.disabledPlans, variant.disabledPlans))
      leftOut.push({ userId, because: 'changed plans' });
    else toAdd.push(userId);
  }
  return { toAdd, leftOut };
}

const LEFT_OUT_WORDS: Record<LeftOutBecause, string> = {
  deleted: 'deleted since the plan',
  'no direct license':
    'no longer hold it directly (leavers the old script unlicensed, or another admin)',
  'changed plans':
    'hold it directly with other disabled plans now (`verify`, then plan them again)',
};

/**
 * The channel's sentence for the members left out of the groups, or null when none was: how many, and
 * why, so nobody wonders why a group has fewer members than its plan.
 */
export function leftOutSentence(
  leftOut: readonly { readonly because: LeftOutBecause }[]
): string | null {
  if (leftOut.length === 0) return null;
  const counts = new Map<LeftOutBecause, number>();
  for (const { because } of leftOut) counts.set(because, (counts.get(because) ?? 0) + 1);
  const parts = [...counts].map(([because, n]) => `${n} ${LEFT_OUT_WORDS[because]}`);
  return `${leftOut.length} planned member${leftOut.length === 1 ? ' was' : 's were'} left out, so no group licenses them again: ${parts.join('; ')}.`;
}
