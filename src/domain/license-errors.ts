/**
 * What each state and error of a group license assignment means and what fixes it. Sources: Graph's
 * licenseAssignmentState resource (states Active, ActiveWithError, Disabled, Error; the errors below) and
 * Entra's "Identify and resolve license assignment problems for a group".
 */

export interface LicenseErrorAdvice {
  readonly cause: string;
  readonly fix: string;
}

const ADVICE: Readonly<Record<string, LicenseErrorAdvice>> = {
  CountViolation: {
    cause: 'No seat left for this product.',
    fix: 'Buy more seats or free some (remove the product from users who no longer need it), then reprocess the user.',
  },
  MutuallyExclusiveViolation: {
    cause:
      'A service plan in this product conflicts with a plan the user has from another license.',
    fix: 'Disable one of the conflicting plans (in the group or in the other license), then reprocess the user.',
  },
  DependencyViolation: {
    cause: 'A service plan needs another plan that the user does not have enabled.',
    fix: 'Enable the prerequisite plan in the same group (or give the user the product that has it), then reprocess.',
  },
  ProhibitedInUsageLocationViolation: {
    cause: "Some service in this product is not available in the user's usage location.",
    fix: "Correct the user's usage location if it is wrong, or disable the unavailable plan in the group, then reprocess.",
  },
  UniquenessViolation: {
    cause:
      'A proxy address of the user is already used by another object (duplicate proxy address).',
    fix: 'Remove the duplicate proxy address from one of the objects, then reprocess the user.',
  },
  Other: {
    cause: 'Another license from the same group failed, or an on-premises conflict.',
    fix: "Fix the other error on this user's assignment from the same group first; then reprocess.",
  },
};

/** Entra could not take the group's license away: another product of the user needs a plan in it. */
const KEPT_FOR_DEPENDENCY: LicenseErrorAdvice = {
  cause:
    "Entra ID could not take this group's license away (the user left the group, or the group dropped it) because another of the user's products needs a plan in it; the user keeps it, in error.",
  fix: 'Give the user the required plan another way (or disable the plan that depends on it), then reprocess; or put the user back in the group.',
};

const DISABLED: LicenseErrorAdvice = {
  cause:
    "The product's subscription is suspended or locked out (expired, cancelled or not paid): its services are off for everyone who holds it.",
  fix: 'Reactivate or renew the subscription in the Microsoft 365 admin center; reprocessing does not help.',
};

const HEALTHY_ERRORS = new Set([null, undefined, '', 'None']);

/** Advice for one error code, as `errors` lists it. */
export function licenseErrorAdvice(error: string | null): LicenseErrorAdvice {
  return (
    ADVICE[error ?? ''] ?? {
      cause: `Graph reports "${error ?? 'unknown'}".`,
      fix: "Look at the user's license assignment in the Entra admin center, fix what it says, then reprocess.",
    }
  );
}

/**
 * Advice for an assignment that is not `Active` without error: by its state first (a disabled subscription
 * is not fixed by reprocessing; an assignment still applied in error is not the same as one never applied),
 * then by its error. Null for a healthy assignment.
 */
export function assignmentAdvice(
  state: string | null,
  error: string | null
): LicenseErrorAdvice | null {
  const healthyError = HEALTHY_ERRORS.has(error);
  if (state === 'Active' && healthyError) return null;
  if (state === 'Disabled') return DISABLED;
  if (state === null)
    return {
      cause: 'Entra ID has not processed this assignment yet.',
      fix: 'Wait for group license processing to finish.',
    };
  const applied = state === 'Active' || state === 'ActiveWithError';
  if (applied && error === 'DependencyViolation') return KEPT_FOR_DEPENDENCY;
  const advice = healthyError
    ? {
        cause: `Graph reports the assignment as ${state} without saying why.`,
        fix: "Look at the user's license assignment in the Entra admin center, fix what it says, then reprocess.",
      }
    : licenseErrorAdvice(error);
  return applied
    ? {
        cause: `The license is still applied from an earlier processing, but the latest one failed: ${lowerFirst(advice.cause)}`,
        fix: advice.fix,
      }
    : advice;
}

/** "Error (CountViolation)", "Disabled": a state with its error when there is one. */
export function describeAssignmentState(state: string | null, error: string | null): string {
  return `${state ?? 'pending'}${HEALTHY_ERRORS.has(error) ? '' : ` (${error})`}`;
}

const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
