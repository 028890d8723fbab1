import type { Attachment } from 'botbuilder';
import { productName } from '../../domain/product-names';
import type { VerifyResult } from '../../engine/verify-removals';
import { count, SAMPLE_ROWS } from './card-format';
import { summaryCard } from './summary-card';

/** `verify`: per license how many direct assignments can go, who must keep theirs and why. */
export function verifyCard(result: VerifyResult): Attachment {
  // A few who can go, spread over the list, for the admin to check by hand in the Entra admin center.
  const { spotCheck } = result;
  return summaryCard({
    title: 'Verification',
    subtitle: 'Checked on the tenant as it stands; nothing was changed.',
    facts: Object.entries(result.summary).map(([sku, n]) => ({
      title: productName(sku),
      value: `${count(n.remove)} can go, ${count(n.skip)} must stay`,
    })),
    rows: result.keptExamples.slice(0, SAMPLE_ROWS).map((u) => ({
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
      result.kept > SAMPLE_ROWS
        ? `And ${count(result.kept - SAMPLE_ROWS)} more kept: \`report\` lists every user.`
        : '`report` lists every user.',
  });
}
