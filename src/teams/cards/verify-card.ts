import type { Attachment } from 'botbuilder';
import { productName } from '../../domain/product-names';
import type { VerifyResult } from '../../engine/verify-removals';
import { count, SAMPLE_ROWS } from './card-format';
import { summaryCard } from './summary-card';

/** A few who can go, spread over the list, for the admin to check by hand in the Entra admin center. */
function spotCheckOf(result: VerifyResult) {
  const passing = result.users.filter((u) => u.decision === 'remove');
  // None when nobody can go yet (no group gives their licenses): there is nothing to spot-check.
  return [0, Math.floor(passing.length / 2), passing.length - 1]
    .filter((i, n, all) => i >= 0 && i < passing.length && all.indexOf(i) === n)
    .map((i) => passing[i]);
}

/** `verify`: per license how many direct assignments can go, who must keep theirs and why. */
export function verifyCard(result: VerifyResult): Attachment {
  const skipped = result.users.filter((u) => u.decision === 'skip');
  const spotCheck = spotCheckOf(result);
  return summaryCard({
    title: 'Verification',
    subtitle: 'Checked on the tenant as it stands; nothing was changed.',
    facts: Object.entries(result.summary).map(([sku, n]) => ({
      title: productName(sku),
      value: `${count(n.remove)} can go, ${count(n.skip)} must stay`,
    })),
    rows: skipped.slice(0, SAMPLE_ROWS).map((u) => ({
      heading: `Keep ${u.userPrincipalName}`,
      detail: u.reason,
    })),
    lines:
      spotCheck.length > 0
        ? [
            `Spot-check: ${spotCheck.map((u) => `${u.userPrincipalName} (${u.reason})`).join('; ')}.`,
          ]
        : [],
    footer:
      skipped.length > SAMPLE_ROWS
        ? `And ${count(skipped.length - SAMPLE_ROWS)} more kept: \`report\` lists every user.`
        : '`report` lists every user.',
  });
}
