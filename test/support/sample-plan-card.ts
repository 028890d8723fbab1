import type { Attachment } from 'botbuilder';
import type { VariantRules } from '../../src/domain/dynamic-rule-plan';
import type { GroupPlan, PlannedGroup } from '../../src/domain/group-plan';
import { planCard } from '../../src/teams/cards/plan-card';

/**
 * The plan with 30 variants, each with three long rules, long misses and gains lists, and hygiene
 * findings, plus one variant where no rule is precise enough.
 */
export function largePlanCard(upn: (i: number) => string): Attachment {
  const refs = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ userId: `u${i}`, userPrincipalName: upn(i) }));
  const p1 = {
    needed: 61_000,
    seats: 50_000,
    products: ['EMS', 'SPE_E5'],
    shortfall: 11_000,
    membersWithoutP1: 900,
  };
  const groups: PlannedGroup[] = Array.from({ length: 30 }, (_, i) => ({
    skuId: `00000000-0000-0000-0000-0000000000${String(i).padStart(2, '0')}`,
    skuPartNumber: 'ENTERPRISEPACK',
    disabledPlans: ['a', 'b'],
    displayName: `LIC Office 365 E3 (without EXCHANGE_S_ENTERPRISE, YAMMER_ENTERPRISE) – variant ${i}`,
    mailNickname: `lic-e3-${i}`,
    existingGroupId: null,
    userIds: Array.from({ length: 2000 }, (_, u) => `u${u}`),
    toAdd: 2000,
    sampleUserPrincipalNames: [1, 2, 3, 4, 5].map(upn),
  }));
  const longValue = (k: number) => `Finance, Treasury and Investor Relations – EMEA region ${k}`;
  const variants: VariantRules[] = groups.map((g, i) => ({
    variant: i + 1,
    skuId: g.skuId,
    skuPartNumber: g.skuPartNumber,
    disabledPlans: g.disabledPlans,
    displayName: g.displayName,
    holders: 2000,
    candidates:
      i === 1
        ? []
        : [1, 2, 3].map((number) => ({
            number,
            rule: {
              clauses: [
                {
                  property: 'extensionAttribute15' as const,
                  values: [1, 2, 3, 4, 5].map(longValue),
                },
                { property: 'physicalDeliveryOfficeName' as const, values: [longValue(9)] },
              ],
            },
            text: `(user.extensionAttribute15 -in [${[1, 2, 3, 4, 5].map((k) => `"${longValue(k)}"`).join(',')}]) -and (user.physicalDeliveryOfficeName -eq "${longValue(9)}")`,
            matched: 1900,
            holders: 2000,
            misses: refs(100),
            gains: refs(90),
            seats: {
              skuId: g.skuId,
              skuPartNumber: 'ENTERPRISEPACK',
              newSeats: 90,
              available: 10,
              shortfall: 80,
            },
            p1,
          })),
    noRuleReason:
      i === 1
        ? `No rule is precise enough: the closest, (user.department -eq "${longValue(1)}"), matches 1,500 of 2,000 holders (75 %; a rule must match 90 %) and 400 other user(s) (at most 100): the static group stays.`
        : null,
    closest: null,
    hygiene: [
      {
        property: 'department',
        kind: 'variant',
        value: longValue(7),
        closeTo: longValue(1),
        users: refs(40),
      },
      { property: 'department', kind: 'empty', value: null, users: refs(30) },
    ],
  }));
  const plan: GroupPlan = {
    groups,
    newSeats: { ENTERPRISEPACK: 0 },
    warnings: [
      "12 user(s) have no usage location: group licensing will use the tenant's country for them.",
    ],
  };
  return planCard(plan, { variants, p1IfFirstCandidates: p1 });
}
