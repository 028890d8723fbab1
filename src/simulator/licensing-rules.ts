import type { FixtureLicensingRules, FixtureSku } from './tenant-fixture';

/**
 * Graph's licensing rules over service plans (BEHAVIOUR.md §3): a user's enabled plans are the union,
 * per SKU, of every active assignment's plans minus its disabled ones; some plan pairs may not be
 * enabled together; some plans need another plan enabled for the same user.
 */

export type RuleViolation =
  | { readonly kind: 'MutuallyExclusiveViolation'; readonly plans: readonly [string, string] }
  | {
      readonly kind: 'DependencyViolation';
      readonly plan: string;
      readonly requires: readonly string[];
    };

export interface PlanAssignment {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
}

/** The plans an assignment switches on. */
export function enabledPlansOf(sku: FixtureSku, disabledPlans: readonly string[]): Set<string> {
  const disabled = new Set(disabledPlans.map((p) => p.toLowerCase()));
  return new Set(
    sku.servicePlans.map((p) => p.servicePlanId.toLowerCase()).filter((id) => !disabled.has(id))
  );
}

/** Every plan enabled by any of the assignments. */
export function unionOfEnabledPlans(
  skus: ReadonlyMap<string, FixtureSku>,
  assignments: Iterable<PlanAssignment>
): Set<string> {
  const enabled = new Set<string>();
  for (const assignment of assignments) {
    const sku = skus.get(assignment.skuId);
    if (sku) enabledPlansOf(sku, assignment.disabledPlans).forEach((plan) => enabled.add(plan));
  }
  return enabled;
}

/** Rule violations in a set of enabled plans. */
export function ruleViolations(
  enabled: ReadonlySet<string>,
  rules: FixtureLicensingRules | undefined
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  for (const [a, b] of rules?.mutuallyExclusivePlans ?? []) {
    if (enabled.has(a.toLowerCase()) && enabled.has(b.toLowerCase())) {
      violations.push({ kind: 'MutuallyExclusiveViolation', plans: [a, b] });
    }
  }
  for (const dependency of rules?.planDependencies ?? []) {
    if (
      enabled.has(dependency.plan.toLowerCase()) &&
      !dependency.requires.some((r) => enabled.has(r.toLowerCase()))
    ) {
      violations.push({
        kind: 'DependencyViolation',
        plan: dependency.plan,
        requires: dependency.requires,
      });
    }
  }
  return violations;
}

/** Violations present after a change that were not there before it. */
export function newViolations(before: RuleViolation[], after: RuleViolation[]): RuleViolation[] {
  const key = (v: RuleViolation) => JSON.stringify(v);
  const existing = new Set(before.map(key));
  return after.filter((v) => !existing.has(key(v)));
}

/** Graph's message for a rule violation on a direct assignment (BEHAVIOUR.md §2). */
export function violationMessage(violation: RuleViolation): string {
  return violation.kind === 'MutuallyExclusiveViolation'
    ? `License assignment failed because service plans ${violation.plans[0]}, ${violation.plans[1]} are mutually exclusive.`
    : `License assignment failed because service plan ${violation.plan} depends on the service plan(s) ${violation.requires.join(', ')}.`;
}
