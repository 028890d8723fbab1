/** What each group licensing error means and what fixes it (Entra's "resolve license assignment problems"). */

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

export function licenseErrorAdvice(error: string | null): LicenseErrorAdvice {
  return (
    ADVICE[error ?? ''] ?? {
      cause: `Graph reports "${error ?? 'unknown'}".`,
      fix: "Look at the user's license assignment in the Entra admin center, fix what it says, then reprocess.",
    }
  );
}
