import { dynamicGroupName, exceptionsGroupName, type DynamicChoice } from './dynamic-choice';
import type { ShadowProof } from './shadow-proof';

/** What the hand-over reads of an assignment (a migration record's `assign`). */
interface DynamicAssignment {
  readonly dynamic?: readonly DynamicChoice[];
  readonly proof?: ShadowProof;
}

/**
 * Once the direct assignments are gone: which of the old script's work the dynamic groups now do, and
 * what still needs the script or a person (the exceptions groups). Empty for a static-only migration.
 * Pure.
 */
export function dynamicHandOver(assign: DynamicAssignment | null): string {
  if (!assign?.dynamic?.length || assign.proof?.status !== 'approved') return '';
  return assign.dynamic
    .map((choice) => {
      const proven = assign.proof?.groups.find(
        (g) => g.displayName === dynamicGroupName(choice.variantName)
      );
      const exceptions = proven?.exceptions.length ?? choice.misses.length;
      return ` "${dynamicGroupName(choice.variantName)}" now does the script's work: joiners matching ${choice.ruleText} get the license from the rule, and people who stop matching lose it (keep that attribute right).${
        exceptions > 0
          ? ` Still for the script or a person: "${exceptionsGroupName(choice.variantName)}" (${exceptions} ${exceptions === 1 ? 'user' : 'users'} the rule does not match): fix their attribute, or add and remove them by hand.`
          : ''
      }`;
    })
    .join('');
}
