/**
 * Spreadsheets run a text cell that starts with one of these as a formula (OWASP "CSV injection"), and
 * a UPN may legally start with `-`.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * CSV as spreadsheets read it: a cell with a comma, quote or line break is quoted, quotes doubled. Text
 * that a spreadsheet would run as a formula is kept as text: prefixed with `'` and quoted. Numbers are
 * written as they are (-3 is a number, not a formula).
 */
export function csvCell(value: string | number): string {
  const text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) return quoted(`'${text}`);
  return /[",\n\r]/.test(text) ? quoted(text) : text;
}

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** One CSV line, with its line break. */
export const csvLine = (row: readonly (string | number)[]): string =>
  row.map(csvCell).join(',') + '\n';

export const toCsv = (rows: readonly (readonly (string | number)[])[]): string =>
  rows.map(csvLine).join('');
