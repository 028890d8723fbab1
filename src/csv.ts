/** CSV as spreadsheets read it: a cell with a comma, quote or line break is quoted, quotes doubled. */
export const csvCell = (value: string | number): string =>
  /[",\n\r]/.test(String(value)) ? `"${String(value).replace(/"/g, '""')}"` : String(value);

export const toCsv = (rows: readonly (readonly (string | number)[])[]): string =>
  rows.map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
