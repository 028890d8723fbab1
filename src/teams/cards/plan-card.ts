import type { Attachment } from 'botbuilder';
import { describeHygiene } from '../../domain/attribute-hygiene';
import type { DynamicRulePlan, RuleOffer, VariantRules } from '../../domain/dynamic-rule-plan';
import type { GroupPlan } from '../../domain/group-plan';
import { productName } from '../../domain/product-names';
import { count, plural } from './card-format';
import { summaryCard } from './summary-card';
import { markdownSafe, nameInCard } from './typed-text';

/** Variants shown with their rules, and names shown per list: the card stays within Teams' size at any scale. */
const VARIANTS_SHOWN = 8;
const NAMES_SHOWN = 3;
const HYGIENE_SHOWN = 2;
/** A rule's text is at most a few values long; cut anything longer rather than grow the card. */
const RULE_TEXT_SHOWN = 240;

/**
 * The `plan` reply: each licensing variant numbered, its static group (today's behaviour) and the dynamic
 * rules that could replace it, numbered for `group <variant#> dynamic <candidate#>`, each with who it
 * misses, who it newly licenses, seats and Entra ID P1; or why the static group stays.
 */
export function planCard(plan: GroupPlan, rules: DynamicRulePlan): Attachment {
  const shown = rules.variants.slice(0, VARIANTS_SHOWN);
  const p1 = rules.p1IfFirstCandidates;
  return summaryCard({
    title: 'Licensing groups to create or reuse',
    subtitle: 'Dry run: nothing was changed.',
    rows: shown.flatMap((variant) => variantRows(plan, variant)),
    lines: [
      `New seats needed: ${
        Object.entries(plan.newSeats)
          .filter(([, n]) => n > 0)
          .map(([sku, n]) => `${productName(sku)} ${count(n)}`)
          .join(', ') || 'none'
      }.`,
      ...(p1.needed > 0
        ? [
            `Entra ID P1 if every first rule is taken: ${count(p1.needed)} member(s) need it; ${count(p1.seats)} seat(s) carry it${p1.products.length ? ` (${p1.products.map(productName).join(', ')})` : ''}${p1.shortfall > 0 ? `: ${count(p1.shortfall)} short` : ''}.`,
          ]
        : []),
      ...plan.warnings,
    ],
    footer:
      plan.groups.length === 0
        ? 'Nobody holds a license directly.'
        : `${rules.variants.length > VARIANTS_SHOWN ? `And ${count(rules.variants.length - VARIANTS_SHOWN)} more variant(s): the CLI's \`plan\` lists all. ` : ''}Pick each variant's group with \`group <variant#> dynamic [candidate#]\` or \`group <variant#> static\`; an admin starts it with \`assign\`.`,
  });
}

function variantRows(
  plan: GroupPlan,
  variant: VariantRules
): { heading: string; detail: string }[] {
  const group = plan.groups[variant.variant - 1];
  const staticRow = {
    heading: `${variant.variant}. ${nameInCard(group.displayName)}${group.existingGroupId ? ' (existing)' : ' (new)'}: static`,
    detail: `${productName(group.skuPartNumber)}${group.disabledPlans.length ? `, ${plural(group.disabledPlans.length, 'plan', 'plans')} disabled` : ''}; ${plural(group.userIds.length, 'user', 'users')}, ${count(group.toAdd)} to add; e.g. ${group.sampleUserPrincipalNames.slice(0, NAMES_SHOWN).map(nameInCard).join(', ')}`,
  };
  const hygiene = variant.hygiene
    .slice(0, HYGIENE_SHOWN)
    .map((finding) => markdownSafe(describeHygiene(finding, 2), 500));
  if (variant.candidates.length === 0)
    return [
      staticRow,
      {
        heading: `${variant.variant}. No dynamic rule`,
        detail: [markdownSafe(variant.noRuleReason ?? '', 1000), ...hygiene].join(' '),
      },
    ];
  return [
    staticRow,
    ...variant.candidates.map((offer) => ({
      heading: `${variant.variant}.${offer.number} Dynamic: ${markdownSafe(offer.text, RULE_TEXT_SHOWN)}`,
      detail: offer.number === 1 ? [offerDetail(offer), ...hygiene].join(' ') : offerCounts(offer),
    })),
  ];
}

function offerDetail(offer: RuleOffer): string {
  const names = (refs: readonly { userPrincipalName: string }[]) =>
    refs.length === 0
      ? ''
      : `: ${refs
          .slice(0, NAMES_SHOWN)
          .map((r) => nameInCard(r.userPrincipalName))
          .join(
            ', '
          )}${refs.length > NAMES_SHOWN ? ` and ${count(refs.length - NAMES_SHOWN)} more` : ''}`;
  const seats = offer.seats;
  const p1 = offer.p1;
  return [
    `Matches ${count(offer.matched)} of ${plural(offer.holders, 'holder', 'holders')}.`,
    `Misses ${count(offer.misses.length)} (they stay in a static exceptions group)${names(offer.misses)}.`,
    `Gains ${count(offer.gains.length)}${names(offer.gains)}; ${plural(seats.newSeats, 'new seat', 'new seats')}, ${count(seats.available)} free${seats.shortfall > 0 ? `: ${count(seats.shortfall)} short` : ''}.`,
    `Entra ID P1: ${count(p1.needed)} member(s), ${count(p1.seats)} seat(s)${p1.shortfall > 0 ? `, ${count(p1.shortfall)} short` : ''}${p1.membersWithoutP1 > 0 ? `; ${count(p1.membersWithoutP1)} hold none` : ''}.`,
  ].join(' ');
}

/** Later candidates in brief: the first one carries the names. */
function offerCounts(offer: RuleOffer): string {
  return `Matches ${count(offer.matched)} of ${count(offer.holders)}; misses ${count(offer.misses.length)}; gains ${count(offer.gains.length)} (${plural(offer.seats.newSeats, 'new seat', 'new seats')}${offer.seats.shortfall > 0 ? `, ${count(offer.seats.shortfall)} short` : ''}); Entra ID P1 for ${count(offer.p1.needed)}.`;
}
