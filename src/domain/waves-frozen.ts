import type { MigrationRecord } from './migration-record';

/**
 * When the waves were frozen: the first wave's sign-off request; null before there are waves. Joiners
 * the old automation licenses after it are in no wave (src/domain/joiners.ts).
 */
export function wavesFrozenAt(record: MigrationRecord): string | null {
  const asked = record.approvals
    .filter((a) => a.subject.kind === 'wave')
    .map((a) => a.requestedAt)
    .sort();
  return asked[0] ?? null;
}
