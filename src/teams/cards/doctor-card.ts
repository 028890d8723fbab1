import type { Attachment } from 'botbuilder';
import type { PreflightReport, Verdict } from '../../domain/preflight';
import template from './doctor.json';
import { renderCard } from './render-card';

const MARKS: Record<Verdict, { mark: string; color: string }> = {
  ok: { mark: '✓', color: 'Good' },
  fix: { mark: '✗', color: 'Attention' },
  'not-checked': { mark: '–', color: 'Default' },
};

/** `doctor`'s answer: one row per check, ✓ right, ✗ with what to fix, – not checked. */
export function doctorCard(report: PreflightReport): Attachment {
  const toFix = report.lines.filter((line) => line.verdict === 'fix').length;
  return renderCard(template, {
    verdict: report.ready
      ? 'Everything checked is ready.'
      : `${toFix === 1 ? 'One thing needs' : `${toFix} things need`} fixing first.`,
    verdictColor: report.ready ? 'Good' : 'Attention',
    lines: report.lines.map((line) => ({ ...MARKS[line.verdict], text: line.text })),
  });
}
