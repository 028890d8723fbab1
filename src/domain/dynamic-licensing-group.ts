import type { ProposedRule } from './proposed-rule';

/** A licensed dynamic group the bot made: its id, its rule, and its exceptions group's name. */
export interface DynamicLicensingGroup {
  readonly groupId: string;
  readonly displayName: string;
  readonly rule: ProposedRule;
  readonly ruleText: string;
  /** Null when the rule missed nobody, so no exceptions group was made. */
  readonly exceptionsName: string | null;
}
