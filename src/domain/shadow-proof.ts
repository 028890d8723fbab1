import { createHash } from 'node:crypto';
import type { DynamicChoice, NamedUser } from './dynamic-choice';

/**
 * The proof of a dynamic group on its unlicensed shadow: the members Entra computed, compared with the
 * holders the rule was meant to match. Entra's view wins: a holder it left out goes to the exceptions
 * group. Pure.
 */

export interface ProvenGroup {
  readonly displayName: string;
  readonly ruleText: string;
  /** Holders the rule was meant to match. */
  readonly expected: number;
  /** Members Entra computed. */
  readonly actual: number;
  /** Expected holders Entra left out: they go to the exceptions group. */
  readonly missing: readonly NamedUser[];
  /** Holders the rule was not expected to match whom Entra put in anyway. */
  readonly unexpected: readonly NamedUser[];
  /** Members who do not hold the variant: the group would newly license them. */
  readonly gains: number;
  readonly expectedGains: number;
  /** Who the exceptions group holds once licensed: the misses and those Entra left out. */
  readonly exceptions: readonly NamedUser[];
  /** False when Entra's membership had not settled by the deadline: what it showed then is compared. */
  readonly settled: boolean;
}

export interface ShadowProof {
  readonly status: 'awaiting-approval' | 'approved' | 'rejected';
  readonly approvalId: string;
  readonly digest: string;
  readonly groups: readonly ProvenGroup[];
}

/** Compares the members Entra computed for a choice's dynamic group with what was expected. */
export function compareShadowGroup(
  choice: DynamicChoice,
  displayName: string,
  memberIds: ReadonlySet<string>,
  settled: boolean
): ProvenGroup {
  const members = new Set([...memberIds].map((id) => id.toLowerCase()));
  const isMember = (u: NamedUser) => members.has(u.id.toLowerCase());
  const missing = choice.expected.filter((u) => !isMember(u));
  const unexpected = choice.misses.filter(isMember);
  return {
    displayName,
    ruleText: choice.ruleText,
    expected: choice.expected.length,
    actual: members.size,
    missing,
    unexpected,
    gains: members.size - (choice.expected.length - missing.length) - unexpected.length,
    expectedGains: choice.gainCount,
    exceptions: [...choice.misses, ...missing],
    settled,
  };
}

/** Whether Entra's members differ from the expected ones. */
export const differs = (group: ProvenGroup): boolean =>
  !group.settled ||
  group.missing.length > 0 ||
  group.unexpected.length > 0 ||
  group.gains !== group.expectedGains;

/** The digest the second sign-off binds to: Entra's members as compared. */
export function proofDigest(groups: readonly ProvenGroup[]): string {
  const canonical = groups.map((g) =>
    JSON.stringify([
      g.displayName,
      g.ruleText,
      g.actual,
      g.gains,
      g.exceptions.map((u) => u.id.toLowerCase()).sort(),
    ])
  );
  return createHash('sha256').update(canonical.sort().join('\n')).digest('hex');
}

const names = (users: readonly NamedUser[]) =>
  `${users
    .slice(0, 5)
    .map((u) => u.userPrincipalName)
    .join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}`;

/** What the second sign-off card says: Entra's numbers, every difference, and what licensing does. */
export function proofSummary(
  groups: readonly ProvenGroup[],
  skuNames: ReadonlyMap<string, string>
): string[] {
  return groups.flatMap((g) => [
    `"${g.displayName}" (${g.ruleText}), unlicensed: Entra computed ${g.actual} members; ${g.expected} holders were expected${differs(g) ? '. It differs, and Entra’s view wins:' : ', and they are exactly the members Entra computed.'}`,
    ...(g.settled
      ? []
      : [
          `Entra had not finished computing it when I stopped waiting: these are the members it showed then.`,
        ]),
    ...(g.missing.length > 0
      ? [
          `Entra left out ${g.missing.length} expected ${g.missing.length === 1 ? 'holder' : 'holders'} (${names(g.missing)}): they go to the exceptions group instead.`,
        ]
      : []),
    ...(g.unexpected.length > 0
      ? [
          `Entra put in ${g.unexpected.length} the rule was not expected to match (${names(g.unexpected)}); they stay in the exceptions group too.`,
        ]
      : []),
    `New seats: ${g.gains} member(s) do not hold it today (${g.expectedGains} expected).`,
    `Exceptions group: ${g.exceptions.length} (${g.exceptions.length > 0 ? names(g.exceptions) : 'nobody'}).`,
    `Approving licenses both groups with ${skuNames.get(g.displayName) ?? 'the same license'} and the same disabled plans as the direct assignments; no direct assignment is touched until the waves.`,
  ]);
}
