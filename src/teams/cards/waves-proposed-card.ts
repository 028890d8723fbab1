import type { Attachment } from 'botbuilder';
import type { StoredWave } from '../../domain/migration-record';
import { assignmentsIn } from '../../domain/wave-metadata';
import { count, plural } from './card-format';
import { summaryCard } from './summary-card';

/** `waves`: the removal waves just proposed, and how many direct assignments stay out of them. */
export function wavesProposedCard(waves: readonly StoredWave[], kept: number): Attachment {
  return summaryCard({
    title: `${plural(waves.length, 'removal wave', 'removal waves')} proposed`,
    subtitle: 'Each wave is frozen as it is now and released only by its own sign-off.',
    rows: waves.map((w) => ({
      heading: `Wave ${w.number}`,
      detail: `${plural(w.userCount, 'user', 'users')}, ${plural(assignmentsIn(w), 'direct assignment', 'direct assignments')}`,
    })),
    footer:
      kept > 0
        ? `${count(kept)} direct assignments stay for now: \`verify\` says why.`
        : 'Every direct assignment is in a wave.',
  });
}
