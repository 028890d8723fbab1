import type {
  AppliedGroupLicense,
  AssignmentState,
  DirectoryGroup,
  DirectoryUser,
} from './directory-model';
import type { DirectoryState } from './directory-state';
import { usable } from './held-licenses';
import {
  enabledPlansOf,
  newViolations,
  ruleViolations,
  unionOfEnabledPlans,
} from './licensing-rules';

/**
 * What group license processing gives one member (BEHAVIOUR.md §3): each SKU of the group applied, or the
 * reason it fails (seats, usage location, plan rules, duplicate proxy addresses), and what is left on a
 * member who left. Reads the directory; changes nothing.
 */

/** The license rows a group's licenses give one of its members now. */
export function evaluateGroupLicenses(
  directory: DirectoryState,
  group: DirectoryGroup,
  user: DirectoryUser
): AppliedGroupLicense[] {
  const previous = new Map((group.applied.get(user.id) ?? []).map((row) => [row.skuId, row]));
  const failures = skuFailures(directory, group, user, previous);
  for (const [skuId, kind] of ruleFailures(directory, group, user))
    if (!failures.has(skuId)) failures.set(skuId, kind);
  const at = directory.timestamp();
  return [...group.licenses].map(([skuId, assignment]) => {
    const error = failures.get(skuId) ?? (failures.size > 0 ? 'Other' : 'None');
    const earlier = previous.get(skuId);
    // A license this group already applied is not taken away by a later failure: it stays as it was
    // applied, ActiveWithError, until the cause is fixed and the user is processed again.
    const keptInError = error !== 'None' && earlier !== undefined && usable(earlier.state);
    const state: AssignmentState =
      error === 'None' ? 'Active' : keptInError ? 'ActiveWithError' : 'Error';
    const disabledPlans = keptInError ? earlier.disabledPlans : assignment.disabledPlans;
    const unchanged =
      earlier &&
      earlier.state === state &&
      earlier.error === error &&
      sameSet(earlier.disabledPlans, disabledPlans);
    return {
      skuId,
      disabledPlans: [...disabledPlans],
      state,
      error,
      lastUpdatedDateTime: unchanged ? earlier.lastUpdatedDateTime : at,
    };
  });
}

/** Per SKU of the group, why it cannot be applied on its own: proxy addresses, SKU, seats, usage location. */
function skuFailures(
  directory: DirectoryState,
  group: DirectoryGroup,
  user: DirectoryUser,
  previous: ReadonlyMap<string, AppliedGroupLicense>
): Map<string, string> {
  const heldElsewhere = directory.heldSkus(user, group.id);
  const alreadyFromGroup = new Set(
    [...previous.values()].filter((r) => usable(r.state)).map((r) => r.skuId)
  );
  const location = user.usageLocation ?? directory.organization.countryLetterCode;
  const duplicateProxy = hasDuplicateProxyAddress(directory, user);
  const failures = new Map<string, string>();
  for (const [skuId, assignment] of group.licenses) {
    // "Duplicate proxy addresses": assigning a license to such a user fails (resolve-problems doc).
    if (duplicateProxy) {
      failures.set(skuId, 'UniquenessViolation');
      continue;
    }
    const sku = directory.skus.get(skuId);
    if (!sku) {
      failures.set(skuId, 'Other');
      continue;
    }
    const needsSeat = !heldElsewhere.has(skuId) && !alreadyFromGroup.has(skuId);
    if (needsSeat && directory.availableUnits(skuId) <= 0) {
      failures.set(skuId, 'CountViolation');
      continue;
    }
    const enabled = enabledPlansOf(sku, assignment.disabledPlans);
    const forbidden = (directory.rules?.plansUnavailableInCountries ?? []).some(
      (rule) => enabled.has(rule.plan.toLowerCase()) && rule.countries.includes(location)
    );
    if (forbidden) failures.set(skuId, 'ProhibitedInUsageLocationViolation');
  }
  return failures;
}

/**
 * The plan-rule violations the group's licenses would bring, on the SKUs that enable the plans involved.
 * Rules are judged on everything the group gives together: a prerequisite may come from another of its SKUs.
 */
function ruleFailures(
  directory: DirectoryState,
  group: DirectoryGroup,
  user: DirectoryUser
): Map<string, string> {
  const others = directory.usableAssignments(user, group.id);
  const groupAssignments = [...group.licenses].map(([skuId, a]) => ({
    skuId,
    disabledPlans: a.disabledPlans,
  }));
  const introduced = newViolations(
    ruleViolations(unionOfEnabledPlans(directory.skus, others), directory.rules),
    ruleViolations(
      unionOfEnabledPlans(directory.skus, [...others, ...groupAssignments]),
      directory.rules
    )
  );
  const failures = new Map<string, string>();
  for (const violation of introduced) {
    const plans =
      violation.kind === 'MutuallyExclusiveViolation' ? violation.plans : [violation.plan];
    for (const assignment of groupAssignments) {
      const sku = directory.skus.get(assignment.skuId);
      const enabled = sku ? enabledPlansOf(sku, assignment.disabledPlans) : new Set<string>();
      if (!failures.has(assignment.skuId) && plans.some((p) => enabled.has(p.toLowerCase()))) {
        failures.set(assignment.skuId, violation.kind);
      }
    }
  }
  return failures;
}

/** True when another user has one of this user's proxy addresses (Exchange's uniqueness rule). */
function hasDuplicateProxyAddress(directory: DirectoryState, user: DirectoryUser): boolean {
  const own = new Set(user.proxyAddresses ?? []);
  if (own.size === 0) return false;
  for (const other of directory.users.values()) {
    if (other.id !== user.id && (other.proxyAddresses ?? []).some((a) => own.has(a))) return true;
  }
  return false;
}

/**
 * What is left of a group's license on a user who left the group (or whose group dropped it). Entra
 * cannot remove a plan another of the user's products depends on: the license then stays,
 * ActiveWithError with DependencyViolation on the SKUs that give the required plan and Other on the
 * rest, until that is resolved (resolve-problems doc, "Other products depend on this license").
 * Empty when it can all go.
 */
export function leftoverAfterDeparture(
  directory: DirectoryState,
  group: DirectoryGroup,
  user: DirectoryUser,
  before: readonly AppliedGroupLicense[]
): AppliedGroupLicense[] {
  const applied = before.filter((row) => usable(row.state));
  if (applied.length === 0) return [];
  const others = directory.usableAssignments(user, group.id);
  const broken = newViolations(
    ruleViolations(
      unionOfEnabledPlans(directory.skus, directory.usableAssignments(user)),
      directory.rules
    ),
    ruleViolations(unionOfEnabledPlans(directory.skus, others), directory.rules)
  ).flatMap((v) => (v.kind === 'DependencyViolation' ? v.requires : []));
  if (broken.length === 0) return [];
  const at = directory.timestamp();
  return applied.map((row) => {
    const sku = directory.skus.get(row.skuId);
    const enabled = sku ? enabledPlansOf(sku, row.disabledPlans) : new Set<string>();
    const error = broken.some((plan) => enabled.has(plan.toLowerCase()))
      ? 'DependencyViolation'
      : 'Other';
    const unchanged = row.state === 'ActiveWithError' && row.error === error;
    return {
      ...row,
      state: 'ActiveWithError',
      error,
      lastUpdatedDateTime: unchanged ? row.lastUpdatedDateTime : at,
    };
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
