import { productName } from '../domain/product-names';
import type { VerifyResult, VerifyRow } from '../domain/verify-tally';
import { csvCell } from '../csv';

type Verify = (onRow: (row: VerifyRow) => void) => Promise<VerifyResult>;

/**
 * The CLI's `verify` and `report`: every row written as it is decided, so the tenant is never held whole.
 * JSON is the same object as `{ users, summary }`, its rows streamed first and the counts last.
 */
export async function writeVerifyOutput(
  verify: Verify,
  format: 'json' | 'csv' | 'text',
  write: (text: string) => void
): Promise<void> {
  if (format === 'json') {
    let separator = '';
    write('{"users":[');
    const { summary } = await verify((row) => {
      write(separator + JSON.stringify(row));
      separator = ',';
    });
    return write(`],"summary":${JSON.stringify(summary)}}\n`);
  }
  if (format === 'csv') {
    write(['id', 'userPrincipalName', 'skuId', 'decision', 'reason'].join(',') + '\n');
    await verify((row) =>
      write(
        [row.id, row.userPrincipalName, row.skuId, row.decision, row.reason]
          .map(csvCell)
          .join(',') + '\n'
      )
    );
    return;
  }
  // The counts come first and every kept user after them: those are what the admin reads.
  const kept: VerifyRow[] = [];
  const { summary } = await verify((row) => {
    if (row.decision === 'skip') kept.push(row);
  });
  for (const [sku, counts] of Object.entries(summary))
    write(
      `${productName(sku)} (${sku}): ${counts.remove} direct assignments could go, ${counts.skip} must stay.\n`
    );
  for (const row of kept) write(`  keep ${row.userPrincipalName}: ${row.reason}\n`);
  write('Nothing was changed.\n');
}
