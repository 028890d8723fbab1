import type { DirectoryGroup, DirectoryUser } from './directory-model';
import type { DirectoryState } from './directory-state';
import { GraphError } from './graph-error';
import {
  newViolations,
  ruleViolations,
  unionOfEnabledPlans,
  violationMessage,
} from './licensing-rules';
import type { FixtureLicense } from './tenant-fixture';

/**
 * Graph's assignLicense on a user or a group, the synchronous part: what it refuses, with Graph's 400
 * messages (BEHAVIOUR.md §2), and the change it makes when it accepts.
 */

const refuse = (message: string) => new GraphError(400, 'Request_BadRequest', message);

/**
 * POST /users/{id}/assignLicense: synchronous, all-or-nothing, with Graph's 400 messages for each
 * refusal (BEHAVIOUR.md §2). Removing touches only the direct assignment.
 */
export function assignUserLicenses(
  directory: DirectoryState,
  user: DirectoryUser,
  add: readonly FixtureLicense[],
  remove: readonly string[]
): void {
  const { adds, removes } = checkedLicenseChange(directory, add, remove);
  const held = directory.heldSkus(user);
  for (const skuId of removes) {
    if (user.directLicenses.has(skuId)) continue;
    throw refuse(
      held.has(skuId)
        ? 'User license is inherited from a group membership and it cannot be removed directly from the user.'
        : 'User does not have a corresponding license.'
    );
  }
  if (adds.length > 0 && !user.usageLocation) {
    throw refuse('License assignment cannot be done for user with invalid usage location.');
  }
  for (const license of adds) {
    if (!held.has(license.skuId) && directory.availableUnits(license.skuId) <= 0) {
      throw refuse(`Subscription with SKU ${license.skuId} does not have any available licenses.`);
    }
  }
  const next = new Map(user.directLicenses);
  for (const skuId of removes) next.delete(skuId);
  const at = directory.timestamp();
  for (const license of adds)
    next.set(license.skuId, { disabledPlans: license.disabledPlans, lastUpdatedDateTime: at });
  const groupRows = directory.usableAssignments(user).filter((row) => row.assignedByGroup !== null);
  const directRows = [...next].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }));
  const before = ruleViolations(
    unionOfEnabledPlans(directory.skus, directory.usableAssignments(user)),
    directory.rules
  );
  const after = ruleViolations(
    unionOfEnabledPlans(directory.skus, [...groupRows, ...directRows]),
    directory.rules
  );
  const introduced = newViolations(before, after);
  if (introduced.length > 0) throw refuse(violationMessage(introduced[0]));
  directory.withSeatAccounting(user, () => {
    user.directLicenses = next;
  });
}

/** Lower-cases a license change and refuses SKUs the tenant lacks or plans a SKU does not contain. */
function checkedLicenseChange(
  directory: DirectoryState,
  add: readonly FixtureLicense[],
  remove: readonly string[]
) {
  const adds = add.map((l) => ({
    skuId: l.skuId.toLowerCase(),
    disabledPlans: l.disabledPlans.map((p) => p.toLowerCase()),
  }));
  const removes = remove.map((id) => id.toLowerCase());
  for (const skuId of [...adds.map((l) => l.skuId), ...removes]) {
    if (!directory.skus.has(skuId))
      throw refuse(`License ${skuId} does not correspond to a valid company License.`);
  }
  for (const license of adds) {
    const plans = new Set(
      directory.skus.get(license.skuId)?.servicePlans.map((p) => p.servicePlanId.toLowerCase())
    );
    const unknown = license.disabledPlans.find((plan) => !plans.has(plan));
    // Unverified wording: Graph refuses a disabled plan the SKU does not contain; the exact text is not documented.
    if (unknown) throw refuse(`Service plan ${unknown} is not part of license ${license.skuId}.`);
  }
  return { adds, removes };
}

/**
 * POST /groups/{id}/assignLicense, the synchronous part: security groups only, known SKUs and plans,
 * prerequisites on the same group (BEHAVIOUR.md §2). Members are licensed later, by processing.
 */
export function assignGroupLicenses(
  directory: DirectoryState,
  group: DirectoryGroup,
  add: readonly FixtureLicense[],
  remove: readonly string[]
): void {
  if (!group.securityEnabled)
    throw refuse('Licenses can only be assigned to security-enabled groups.');
  const { adds, removes } = checkedLicenseChange(directory, add, remove);
  for (const skuId of removes) {
    // Unverified wording for a group.
    if (!group.licenses.has(skuId)) throw refuse('Group does not have a corresponding license.');
  }
  const next = new Map(group.licenses);
  for (const skuId of removes) next.delete(skuId);
  const at = directory.timestamp();
  for (const license of adds)
    next.set(license.skuId, { disabledPlans: license.disabledPlans, lastUpdatedDateTime: at });
  const missing = ruleViolations(
    unionOfEnabledPlans(
      directory.skus,
      [...next].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }))
    ),
    directory.rules
  ).find((violation) => violation.kind === 'DependencyViolation');
  if (missing?.kind === 'DependencyViolation') {
    throw refuse(
      `License operation failed. Make sure that the group has necessary services before adding or removing a dependent service. The service ${missing.plan} requires ${missing.requires.join(', ')} to be enabled as well.`
    );
  }
  directory.beforeGroupChange(group);
  group.licenses = next;
}
