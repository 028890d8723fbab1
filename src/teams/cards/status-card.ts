import type { Attachment } from 'botbuilder';
import { describeSubject } from '../../domain/approvals';
import { describeWaveStatus } from '../../domain/migration-record';
import type { MigrationStatus } from '../../engine/migration-service';
import { bar, count, moment } from './card-format';
import { renderCard } from './render-card';
import template from './status.json';

/** Rows shown; the rest are summed up below the table (the card stays small with many waves). */
const WAVE_ROWS = 12;

export function statusCard(status: MigrationStatus): Attachment {
  const { record } = status;
  const tally = new Map(status.tallies.map((t) => [t.waveDigest, t]));
  const waves = record.waves.map((w) => {
    const t = tally.get(w.digest);
    return {
      number: String(w.number),
      users: count(w.userCount),
      assignments: w.entries.length,
      status: describeWaveStatus(w.status),
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
      ? `yes, by ${record.paused.by.name} at ${moment(record.paused.at)}`
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
    moreWaves:
      waves.length > WAVE_ROWS
        ? `And ${waves.length - WAVE_ROWS} more waves: \`wave N\` for one.`
        : '',
  });
}
