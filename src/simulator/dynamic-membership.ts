import type { AuditActor } from './audit-log';
import type { Directory, DirectoryGroup } from './directory';
import { isDynamicGroup, userMatchesRule } from './dynamic-group-members';
import type { LicenseProcessor } from './license-processor';
import { parseMembershipRule } from './membership-rule';

/**
 * How long Entra takes to apply a dynamic group's rule after a change, in simulated milliseconds. Microsoft
 * says "typically within a few hours" and that it "can take more than 24 hours" (manage-dynamic-group.md);
 * the default is shorter so demos move, and tests and benchmarks set their own.
 */
export const DYNAMIC_MEMBERSHIP_DELAY_MS = 5 * 60_000;

/**
 * The first-party principal Entra's audit log names for dynamic membership changes: "Microsoft Approval
 * Management" (Microsoft support engineer's write-up, https://jasonfritts.me/2020/08: dynamic groups,
 * self-service group management and group expiry log as it; app id 65d91a3d-…).
 */
export const DYNAMIC_MEMBERSHIP_ACTOR: AuditActor = {
  kind: 'app',
  displayName: 'Microsoft Approval Management',
  appId: '65d91a3d-ab74-42e6-8a2f-0add61688c74',
};

export interface DynamicMembershipTimings {
  /** Simulated milliseconds from a change to its effect on membership. */
  readonly delayMs: number;
  /** Simulated time runs this many times faster than real time. */
  readonly timeScale: number;
}

/**
 * Dynamic membership, computed in the background as Entra does: a group is evaluated against every user
 * `delayMs` after it is created, its rule changes or its processing is turned back On; a user against every
 * dynamic group `delayMs` after they are created or their attributes change. A Paused group keeps its
 * members. A member who joins or leaves a licensed group is queued for group license processing, exactly as
 * when an admin adds or removes them, so a user who stops matching loses what the group gave them.
 */
export class DynamicMembershipProcessor {
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly directory: Directory,
    private readonly licenses: LicenseProcessor,
    private readonly timings: DynamicMembershipTimings
  ) {}

  /** The group was created, its rule changed, or its processing was turned On. */
  groupChanged(groupId: string): void {
    this.after(() => {
      const group = this.directory.groups.get(groupId);
      if (group) this.evaluate(group, [...this.directory.users.keys()]);
    });
  }

  /**
   * A static group became dynamic: Entra removes every member at once, then fills the group from the rule
   * ("existing members are removed", groups-change-type.md): the hazard of converting a licensing group.
   */
  convertedToDynamic(groupId: string): void {
    const group = this.directory.requireGroup(groupId);
    for (const memberId of [...group.members]) {
      group.members.delete(memberId);
      this.recordMemberChange(group, memberId, false);
      if (
        this.directory.users.has(memberId) &&
        (group.licenses.size > 0 || group.applied.has(memberId))
      )
        this.licenses.schedule(group.id, memberId);
    }
    this.groupChanged(groupId);
  }

  /** The user was created or an attribute a rule may read changed. */
  userChanged(userId: string): void {
    if (![...this.directory.groups.values()].some(isDynamicGroup)) return;
    this.after(() => {
      for (const group of this.directory.groups.values()) {
        if (isDynamicGroup(group)) this.evaluate(group, [userId]);
      }
    });
  }

  /** True while a change has yet to be applied. */
  get busy(): boolean {
    return this.timers.size > 0;
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private evaluate(group: DirectoryGroup, userIds: readonly string[]): void {
    if (
      !isDynamicGroup(group) ||
      group.membershipRuleProcessingState !== 'On' ||
      !group.membershipRule
    )
      return;
    const rule = parseMembershipRule(group.membershipRule);
    for (const userId of userIds) {
      const user = this.directory.users.get(userId);
      const matches = user !== undefined && userMatchesRule(user, rule);
      if (matches === group.members.has(userId)) continue;
      if (matches) group.members.add(userId);
      else group.members.delete(userId);
      this.recordMemberChange(group, userId, matches);
      if (user && (group.licenses.size > 0 || group.applied.has(userId)))
        this.licenses.schedule(group.id, userId);
    }
  }

  private recordMemberChange(group: DirectoryGroup, userId: string, added: boolean): void {
    this.directory.audit.record({
      activityDisplayName: added ? 'Add member to group' : 'Remove member from group',
      category: 'GroupManagement',
      operationType: added ? 'Add' : 'Delete',
      actor: DYNAMIC_MEMBERSHIP_ACTOR,
      at: this.directory.now(),
      targets: [
        {
          id: userId,
          type: 'User',
          userPrincipalName: this.directory.users.get(userId)?.userPrincipalName ?? null,
        },
        { id: group.id, type: 'Group', displayName: group.displayName },
      ],
    });
  }

  private after(action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        action();
      },
      Math.max(0, this.timings.delayMs / this.timings.timeScale)
    );
    timer.unref();
    this.timers.add(timer);
  }
}
