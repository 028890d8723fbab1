/**
 * The activity ids the bot has already taken, with when it took them: Teams re-delivers an activity whose
 * turn it thinks failed, and the copy must do nothing. Bounded by age and count, since a re-delivery
 * comes within minutes and the list is read and written on every message.
 */
export type RecentDeliveries = Readonly<Record<string, number>>;

export interface DeliveryLimits {
  /** How long an id is remembered. */
  readonly keepMs: number;
  /** At most this many ids; the oldest go first. */
  readonly maxIds: number;
}

export const DELIVERY_LIMITS: DeliveryLimits = { keepMs: 60 * 60_000, maxIds: 1_000 };

/**
 * Whether `key` was delivered before, and the list to store if it was not (with `key` added and the
 * expired or surplus ids dropped).
 */
export function takeDelivery(
  recent: RecentDeliveries,
  key: string,
  nowMs: number,
  limits: DeliveryLimits = DELIVERY_LIMITS
): { readonly seenBefore: true } | { readonly seenBefore: false; readonly next: RecentDeliveries } {
  const at = recent[key];
  if (at !== undefined && nowMs - at < limits.keepMs) return { seenBefore: true };
  const kept = Object.entries(recent)
    .filter(([id, when]) => id !== key && nowMs - when < limits.keepMs)
    .sort(([, a], [, b]) => b - a)
    .slice(0, Math.max(0, limits.maxIds - 1));
  return { seenBefore: false, next: Object.fromEntries([[key, nowMs], ...kept]) };
}
