import type { Attachment } from 'botbuilder';
import { renderCard } from './render-card';
import template from './summary.json';

export interface Summary {
  readonly title: string;
  readonly subtitle?: string;
  /** Default, Good, Warning or Attention. */
  readonly color?: string;
  readonly facts?: readonly { title: string; value: string }[];
  readonly rows?: readonly { heading: string; detail: string }[];
  readonly lines?: readonly string[];
  readonly footer?: string;
}

/** The card for a read or a notice: a title, facts, rows and lines, nothing to click. */
export function summaryCard(summary: Summary): Attachment {
  return renderCard(template, {
    title: summary.title,
    subtitle: summary.subtitle ?? '',
    color: summary.color ?? 'Default',
    facts: summary.facts ?? [],
    rows: summary.rows ?? [],
    lines: summary.lines ?? [],
    footer: summary.footer ?? '',
  });
}
