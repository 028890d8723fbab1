import type { Activity } from 'botbuilder';

/** The Entra tenant an activity comes from, as Teams stamps it; undefined if absent. */
export function activityTenantId(activity: Partial<Activity>): string | undefined {
  const channelData = activity.channelData as { tenant?: { id?: string } } | undefined;
  return (activity.conversation?.tenantId ?? channelData?.tenant?.id)?.toLowerCase();
}

/** True only for activities stamped with the one tenant this bot serves. */
export function isFromServedTenant(activity: Partial<Activity>, servedTenantId: string): boolean {
  return activityTenantId(activity) === servedTenantId.toLowerCase();
}
