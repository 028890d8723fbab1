import type { Attachment } from 'botbuilder';
import type { WaveResult } from '../../domain/migration-record';
import { bar, count } from './card-format';
import template from './progress.json';
import { renderCard } from './render-card';

/** One wave's progress: posted once, then updated in place as the wave goes on. */
export function progressCard(
  waveNumber: number,
  done: number,
  total: number,
  result: WaveResult,
  finished: boolean
): Attachment {
  return renderCard(template, {
    title: finished
      ? `Wave ${waveNumber} ${result.stoppedBecause ? 'stopped' : 'finished'}`
      : `Wave ${waveNumber} running`,
    subtitle: `${count(done)} of ${count(total)} users handled.`,
    bar: bar([
      { value: done, style: 'good', label: `${count(done)} done` },
      { value: total - done, style: 'emphasis', label: `${count(total - done)} to go` },
    ]),
    removed: count(result.removed),
    skipped: count(result.skipped),
    restored: count(result.restored),
    failed: count(result.failed),
    stoppedBecause: result.stoppedBecause ?? '',
  });
}
