import { realSleep } from './read-until-fresh';
import { isNotFoundFor, type GroupWriter } from './ports/group-writer';

export interface MembershipWaitOptions {
  /** How often the members are read. */
  readonly pollMs?: number;
  /**
   * How long the members must stay the same before they count as computed (never less than the lag
   * bound, so a lagging replica's earlier answer cannot pass for the last one).
   */
  readonly quietMs?: number;
  /** When to stop waiting: Microsoft says processing can take more than 24 hours. */
  readonly timeoutMs?: number;
}

/** Polls every 30 s, takes 10 quiet minutes as computed, gives up after 48 hours. */
export const DEFAULT_MEMBERSHIP_WAIT = {
  pollMs: 30_000,
  quietMs: 10 * 60_000,
  timeoutMs: 48 * 3_600_000,
};

/**
 * Waits for Entra to compute a new dynamic group's members. Graph v1.0 says nothing of its progress
 * (`membershipRuleProcessingStatus` is beta), so the members are read until they are there and have
 * stayed the same for the quiet period; at the deadline, what was read last is returned, unsettled. A
 * wait of hours does not hold up a stopping bot: it returns null, and the resumed proof waits again.
 */
export async function waitForDynamicMembers(
  writer: GroupWriter,
  groupId: string,
  options: MembershipWaitOptions & {
    readonly lagBoundMs: number;
    readonly now: () => Date;
    readonly sleep?: (ms: number) => Promise<void>;
    /** The runner is stopping (a deploy, a lost lease): null at once, and the next start waits again. */
    readonly stopping?: () => boolean;
  }
): Promise<{ memberIds: Set<string>; settled: boolean } | null> {
  const { pollMs, quietMs, timeoutMs } = { ...DEFAULT_MEMBERSHIP_WAIT, ...options };
  const quiet = Math.max(quietMs, options.lagBoundMs);
  const sleep = options.sleep ?? realSleep;
  const deadline = options.now().getTime() + timeoutMs;
  let last = '';
  let sameSince = options.now().getTime();
  for (;;) {
    // A group too new for the replica answering is not computed yet.
    const members = await writer.memberIds(groupId).catch((error: unknown) => {
      if (isNotFoundFor(error, groupId)) return new Set<string>();
      throw error;
    });
    const at = options.now().getTime();
    const key = [...members].sort().join(',');
    if (key !== last) {
      last = key;
      sameSince = at;
    }
    if (members.size > 0 && at - sameSince >= quiet) return { memberIds: members, settled: true };
    if (at > deadline) return { memberIds: members, settled: false };
    if (options.stopping?.()) return null;
    await sleep(pollMs);
  }
}
