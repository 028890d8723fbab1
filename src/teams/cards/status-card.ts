import type { Attachment } from 'botbuilder';
import { describeSubject } from '../../domain/approvals';
import { describeFollowUp } from '../../domain/follow-up';
import {
  approvalOf,
  describeWaveStatus,
  type MigrationRecord,
  type ProgressPoint,
  type StoredWave,
} from '../../domain/migration-record';
import { productName } from '../../domain/product-names';
import { assignmentsIn } from '../../domain/wave-metadata';
import { describeMoment, windowAt } from '../../domain/release-window';
import type { MigrationStatus } from '../../engine/migration-engine';
import { bar, count, moment } from './card-format';
import { renderCard } from './render-card';
import template from './status.json';
import { nameInCard } from './typed-text';

/** Rows shown; the rest are summed up below the table (the card stays small with many waves). */
const WAVE_ROWS = 12;
/** The picture over time: the licenses with the most assignments, at their latest points. */
const PICTURE_SKUS = 3;
const PICTURE_POINTS = 5;

/** A wave's status, with when an approved one runs if it waits for its window. */
function waveStatusText(record: MigrationRecord, wave: StoredWave, now: Date): string {
  const window = approvalOf(record, wave)?.window;
  if (wave.status !== 'approved' || !window) return describeWaveStatus(wave.status);
  const state = windowAt(window, now);
  return state.open
    ? 'approved, starting in its window'
    : `waits for its window: ${describeMoment(state.opensAt, window.timeZone)}`;
}

/** Per license, how it was held at each point: direct only, both, inherited only, as stacked bars. */
function pictureOverTime(history: readonly ProgressPoint[]) {
  const latest = history[history.length - 1];
  if (!latest || history.length < 2) return [];
  const size = (s: ProgressPoint['skus'][number]) => s.directOnly + s.both + s.inheritedOnly;
  const skus = [...latest.skus].sort((a, b) => size(b) - size(a)).slice(0, PICTURE_SKUS);
  return skus.map((sku) => ({
    title: productName(sku.skuPartNumber),
    // The starting point, then the latest ones.
    points: (history.length <= PICTURE_POINTS
      ? history
      : [history[0], ...history.slice(1 - PICTURE_POINTS)]
    ).map((point) => {
      const at = point.skus.find((s) => s.skuId === sku.skuId);
      const direct = at?.directOnly ?? 0;
      const both = at?.both ?? 0;
      const inherited = at?.inheritedOnly ?? 0;
      return {
        label: `${point.label}, ${moment(point.at)}: ${count(direct)} direct only, ${count(both)} both, ${count(inherited)} group only`,
        bar: bar([
          { value: direct, style: 'attention', label: 'direct' },
          { value: both, style: 'warning', label: 'both' },
          { value: inherited, style: 'good', label: 'group' },
        ]),
      };
    }),
  }));
}

export function statusCard(status: MigrationStatus): Attachment {
  const { record } = status;
  const tally = new Map(status.tallies.map((t) => [t.waveDigest, t]));
  const waves = record.waves.map((w) => {
    const t = tally.get(w.digest);
    return {
      number: String(w.number),
      users: count(w.userCount),
      assignments: assignmentsIn(w),
      status: waveStatusText(record, w, status.now),
      followUp: describeFollowUp(w.followUp),
      removed: count(t?.removed ?? 0),
      skipped: count(t?.skipped ?? 0),
      restored: count(t?.restored ?? 0),
      removedCount: w.status === 'rolled-back' ? 0 : (t?.removed ?? 0),
    };
  });
  const total = waves.reduce((sum, w) => sum + w.assignments, 0);
  const removed = waves.reduce((sum, w) => sum + w.removedCount, 0);
  const skipped = status.tallies.reduce((sum, t) => sum + t.skipped + t.restored + t.failed, 0);
  const waiting = record.approvals.filter((a) => a.status === 'pending');
  const assign = record.assign;
  return renderCard(template, {
    stage: status.stage,
    assign: assign
      ? `${assign.status.replace('-', ' ')}${assign.finishedAt ? ` (${moment(assign.finishedAt)})` : ''}${assign.problem ? `: ${assign.problem}` : ''}`
      : 'not requested',
    paused: record.paused
      ? `yes, by ${nameInCard(record.paused.by.name)} at ${moment(record.paused.at)}`
      : 'no',
    waiting:
      waiting.length === 0
        ? 'nothing'
        : waiting
            .map((a) => `${describeSubject(a.subject)} (until ${moment(a.expiresAt)})`)
            .join('; '),
    removedText: `${count(removed)} of ${count(total)} in the proposed waves`,
    bar: bar([
      { value: removed, style: 'good', label: `${count(removed)} removed` },
      {
        value: Math.min(skipped, total - removed),
        style: 'warning',
        label: `${count(skipped)} kept`,
      },
      {
        value: Math.max(0, total - removed - skipped),
        style: 'emphasis',
        label: 'still to go',
      },
    ]),
    waves: waves.slice(0, WAVE_ROWS),
    picture: pictureOverTime(record.history ?? []),
    moreWaves:
      waves.length > WAVE_ROWS
        ? `And ${waves.length - WAVE_ROWS} more waves: \`wave N\` for one.`
        : '',
  });
}
