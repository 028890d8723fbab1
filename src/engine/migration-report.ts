import type { Journal, JournalEntry, RemovalOutcome } from '../domain/journal';
import type { MigrationRecord } from '../domain/migration-record';
import { intendedGroupsOf } from '../domain/intended-groups';
import { dynamicLicensingGroups } from '../domain/rule-drift';
import type { TenantReader } from './tenant-reader';
import { verifyDirectRemovals } from './verify-removals';

export interface ReportRow {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  /** remove / skip: what verification says of a direct assignment now; the rest: what a wave did. */
  readonly decision: 'remove' | 'skip' | RemovalOutcome;
  readonly reason: string;
  readonly wave: number | null;
}

type Outcome = Extract<JournalEntry, { kind: 'removal-outcome' }>;

export const REPORT_HEADER = ['id', 'userPrincipalName', 'skuId', 'decision', 'reason', 'wave'];

/**
 * Every user's state and decision: each direct assignment still there (with verification's decision
 * and reason) and each one a wave handled (with its latest outcome). Reads only: the journal twice, an
 * entry at a time (its outcomes, then its intents), never whole.
 */
export async function migrationReport(
  reader: TenantReader,
  journal: Pick<Journal, 'forEachEntry'>,
  record: MigrationRecord
): Promise<ReportRow[]> {
  const verified = await verifyDirectRemovals(
    reader,
    intendedGroupsOf(record),
    dynamicLicensingGroups(record.assign)
  );
  const names = new Map<string, string>();
  for (const wave of record.waves)
    for (const entry of wave.entries) names.set(entry.userId, entry.userPrincipalName);
  const latest = new Map<string, Pick<Outcome, 'outcome' | 'reason'>>();
  await journal.forEachEntry((entry) => {
    if (entry.kind === 'removal-outcome')
      latest.set(entry.intentId, { outcome: entry.outcome, reason: entry.reason });
  });
  const handled = new Map<string, ReportRow>();
  await journal.forEachEntry((entry) => {
    if (entry.kind !== 'removal-intended') return;
    const outcome = latest.get(entry.id);
    if (!outcome) return;
    handled.set(`${entry.userId}|${entry.skuId}`, {
      id: entry.userId,
      userPrincipalName: names.get(entry.userId) ?? entry.userId,
      skuId: entry.skuId,
      decision: outcome.outcome,
      reason: outcome.reason,
      wave: entry.waveNumber,
    });
  });
  const current: ReportRow[] = verified.users.map((row) => ({ ...row, wave: null }));
  // A direct assignment still there supersedes a wave's "skipped" for it; a removal stands on its own.
  const stillDirect = new Set(current.map((r) => `${r.id}|${r.skuId}`));
  return [
    ...current,
    ...[...handled.entries()]
      .filter(([key, row]) => !stillDirect.has(key) || row.decision !== 'skipped')
      .map(([, row]) => row),
  ];
}
