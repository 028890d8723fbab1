import { describeHygiene } from '../domain/attribute-hygiene';
import type { DynamicRulePlan, RuleOffer } from '../domain/dynamic-rule-plan';
import type { GroupPlan } from '../domain/group-plan';

/**
 * The CLI's `plan`: each variant numbered with its static group, the dynamic rules that could replace it
 * (numbered as `group <variant#> dynamic <candidate#>` names them) or why none is offered, and hygiene.
 * JSON lists every miss and gain by name.
 */
export function planOutput(plan: GroupPlan, rules: DynamicRulePlan, json: boolean): string[] {
  if (json)
    return [
      JSON.stringify({
        ...plan,
        groups: plan.groups.map(({ userIds, ...g }) => ({ ...g, users: userIds.length })),
        rules,
      }),
    ];
  const lines = ['Licensing groups to create or reuse (dry run, nothing was changed):'];
  plan.groups.forEach((g, i) => {
    lines.push(
      `  ${i + 1}. ${g.displayName}${g.existingGroupId ? ' (existing)' : ' (new)'}: ${g.userIds.length} users, ${g.toAdd} to add; e.g. ${g.sampleUserPrincipalNames.join(', ')}`
    );
    const variant = rules.variants[i];
    for (const offer of variant.candidates)
      lines.push(`     ${i + 1}.${offer.number} ${offerLine(offer)}`);
    if (variant.noRuleReason) lines.push(`     no dynamic rule: ${variant.noRuleReason}`);
    for (const finding of variant.hygiene) lines.push(`     ! ${describeHygiene(finding, 5)}`);
  });
  lines.push(
    `New seats needed: ${
      Object.entries(plan.newSeats)
        .map(([sku, n]) => `${sku} ${n}`)
        .join(', ') || 'none'
    }.`
  );
  const p1 = rules.p1IfFirstCandidates;
  if (p1.needed > 0)
    lines.push(
      `Entra ID P1 if every first rule is taken: ${p1.needed} members need it, ${p1.seats} seats carry it (${p1.products.join(', ') || 'no SKU'})${p1.shortfall > 0 ? `, ${p1.shortfall} short` : ''}.`
    );
  plan.warnings.forEach((w) => lines.push(`  ! ${w}`));
  return lines;
}

function offerLine(offer: RuleOffer): string {
  const names = (refs: readonly { userPrincipalName: string }[]) =>
    refs.length === 0
      ? ''
      : ` (${refs
          .slice(0, 5)
          .map((r) => r.userPrincipalName)
          .join(', ')}${refs.length > 5 ? ` and ${refs.length - 5} more` : ''})`;
  return (
    `dynamic ${offer.text}: matches ${offer.matched} of ${offer.holders}; misses ${offer.misses.length}${names(offer.misses)}; ` +
    `gains ${offer.gains.length}${names(offer.gains)}, ${offer.seats.newSeats} new seats (${offer.seats.available} free${offer.seats.shortfall > 0 ? `, ${offer.seats.shortfall} short` : ''}); ` +
    `Entra ID P1 for ${offer.p1.needed} (${offer.p1.seats} seats)`
  );
}
