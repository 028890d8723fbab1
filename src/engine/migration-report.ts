import type { JournalEntry, RemovalOutcome } from '../domain/journal';
import type { Journal } from './ports/journal';
import type { MigrationRecord } from '../domain/migration-record';
import { intendedGroupsOf } from '../domain/intended-groups';
import { dynamicLicensingGroups } from '../domain/rule-drift';
import type { TenantReader } from './ports/tenant-reader';
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
 * and reason) and each one a wave handled (with its latest outcome), each row handed to `onRow` as it
 * is known, so the tenant is never held whole. Reads only: the journal twice, an entry at a time (its
 * outcomes, then its intents), never whole; returns how many rows there were.
 */
export async function migrationReport(
  reader: TenantReader,
  journal: Pick<Journal, 'forEachEntry'>,
  record: MigrationRecord,
  /** The waves' users' principal names by id (from their contents). */
  names: ReadonlyMap<string, string>,
  onRow: (row: ReportRow) => void
): Promise<number> {
  const handled = await handledAssignments(journal, names);
  // A direct assignment still there supersedes a wave's "skipped" for it; a removal stands on its own.
  const stillDirect = new Set<string>();
  let rows = 0;
  await verifyDirectRemovals(
    reader,
    intendedGroupsOf(record),
    dynamicLicensingGroups(record.assign),
    (row) => {
      const key = `${row.id}|${row.skuId}`;
      if (handled.has(key)) stillDirect.add(key);
      onRow({ ...row, wave: null });
      rows++;
    }
  );
  for (const [key, row] of handled) {
    if (stillDirect.has(key) && row.decision === 'skipped') continue;
    onRow(row);
    rows++;
  }
  return rows;
}

/** Each assignment a wave handled, by `userId|skuId`, with its latest outcome. */
async function handledAssignments(
  journal: Pick<Journal, 'forEachEntry'>,
  names: ReadonlyMap<string, string>
): Promise<Map<string, ReportRow>> {
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
  return handled;
}
