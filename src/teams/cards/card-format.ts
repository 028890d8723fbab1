/** Small formatting shared by the cards: numbers, moments, and bars drawn with card columns. */
import { utc } from '../../domain/follow-up';

// One formatter: toLocaleString builds a new one per call, a cost a card of many numbers notices.
const NUMBERS = new Intl.NumberFormat('en-US');

export const count = (n: number): string => NUMBERS.format(n);

export const plural = (n: number, one: string, many: string): string =>
  `${count(n)} ${n === 1 ? one : many}`;

/** "2026-11-24 20:15 UTC": what a reader in any time zone can place. */
export const moment = (iso: string | Date): string =>
  utc(typeof iso === 'string' ? iso : iso.toISOString());

export interface BarPart {
  readonly value: number;
  /** An Adaptive Card container style: good, warning, attention, accent, emphasis. */
  readonly style: string;
  readonly label: string;
}

/**
 * A horizontal stacked bar as card columns whose weights are the parts' shares. Teams renders no
 * charts in bot cards below schema 1.5's Table, so this is the picture. Empty parts are left out.
 */
export function bar(parts: readonly BarPart[]): { weight: number; style: string; label: string }[] {
  const total = parts.reduce((sum, p) => sum + p.value, 0);
  if (total === 0) return [{ weight: 1, style: 'emphasis', label: 'nothing yet' }];
  return parts
    .filter((p) => p.value > 0)
    .map((p) => {
      const weight = Math.max(1, Math.round((p.value / total) * 100));
      return { weight, style: p.style, label: weight >= 15 ? p.label : ' ' };
    });
}
