import type { Attachment } from 'botbuilder';
import type { ApprovalRequest } from '../../src/domain/approvals';
import type { StoredWave } from '../../src/domain/migration-record';
import { NEW_MIGRATION_RECORD } from '../../src/domain/migration-record';
import { errorsCard } from '../../src/teams/cards/errors-card';
import { reportCard } from '../../src/teams/cards/report-card';
import { verifyCard } from '../../src/teams/cards/verify-card';
import { waveCard } from '../../src/teams/cards/wave-card';
import { wavesProposedCard } from '../../src/teams/cards/waves-proposed-card';
import { licenseErrorRows } from './sample-notice-cards';
import { KEPT_EXAMPLES, spotCheckOf, type VerifyRow } from '../../src/domain/verify-tally';
import { WaveCandidates } from '../../src/domain/wave-candidates';

/** What verification keeps of these rows: the candidates, the count kept and its first examples. */
function verifyResultOf(rows: readonly VerifyRow[]) {
  const candidates = new WaveCandidates();
  for (const row of rows.filter((r) => r.decision === 'remove'))
    candidates.add(
      { id: row.id, userPrincipalName: row.userPrincipalName },
      row.skuId,
      [],
      row.reason
    );
  const kept = rows.filter((r) => r.decision === 'skip');
  return {
    candidates,
    kept: kept.length,
    keptExamples: kept.slice(0, KEPT_EXAMPLES),
    spotCheck: spotCheckOf(candidates),
  };
}

/** The answers to `verify`, `errors`, `wave N`, `waves` and `report` with a large tenant in play. */
export function readSampleCards(
  upn: (i: number) => string,
  waves: readonly StoredWave[],
  request: ApprovalRequest
): { name: string; attachment: Attachment }[] {
  const skus = ['EMS', 'ENTERPRISEPACK', 'SPE_E5', 'POWER_BI_PRO', 'VISIOCLIENT'];
  const users = Array.from({ length: 2000 }, (_, i) => ({
    id: `u${i}`,
    userPrincipalName: upn(i),
    skuId: '00000000-0000-0000-0000-000000000001',
    decision: i % 2 === 0 ? ('remove' as const) : ('skip' as const),
    reason:
      i % 2 === 0
        ? 'LIC Office 365 E3 – Finance EMEA gives every plan the direct assignment enables.'
        : 'LIC Office 365 E3 – Finance EMEA disables Exchange Online (Plan 2), which the direct assignment enables.',
  }));
  const overridden: ApprovalRequest = {
    ...request,
    status: 'approved',
    decidedBy: { id: 'x', name: 'Lee Gu' },
    decidedAt: '2026-11-24T10:00:00Z',
    reason: 'The finance team asked for it before the quarter closes; the E3 group is fixed.',
    overrode: "Wave 2's follow-up found 1,234 problems: resolve them and run `followup 2` first.",
  };
  const wave: StoredWave = {
    ...waves[1],
    approvalId: overridden.id,
    status: 'completed',
    result: { removed: 2400, skipped: 90, restored: 10, failed: 0, stoppedBecause: 'Paused.' },
    followUp: {
      dueAt: '2026-11-25T09:00:00.000Z',
      status: 'problems',
      problems: 1234,
      findings: Array.from({ length: 100 }, (_, i) => ({
        intentId: `i${i}`,
        userId: `u${i}`,
        userPrincipalName: upn(i),
        skuId: '00000000-0000-0000-0000-000000000001',
        problem: 'lost-plans' as const,
        detail: 'Lost Exchange Online (Plan 2) of Office 365 E3: the group disables it now.',
        needsRestore: true,
      })),
    },
  };
  const status = {
    record: {
      ...NEW_MIGRATION_RECORD,
      waves: [waves[0], wave, ...waves.slice(2)],
      approvals: [overridden],
    },
    stage: 'Wave 4 is running.',
    now: new Date('2026-11-24T12:00:00Z'),
    tallies: [wave].map((w) => ({
      waveNumber: w.number,
      waveDigest: w.digest,
      approvedBy: 'Lee Gu (x)',
      removed: 2400,
      skipped: 90,
      restored: 10,
      failed: 0,
    })),
  };
  return [
    {
      name: 'verify',
      attachment: verifyCard({
        ...verifyResultOf(users),
        summary: Object.fromEntries(skus.map((sku) => [sku, { remove: 61_000, skip: 1234 }])),
      }),
    },
    { name: 'errors', attachment: errorsCard(licenseErrorRows(upn)) },
    { name: 'wave', attachment: waveCard(wave, status) },
    { name: 'waves-proposed', attachment: wavesProposedCard(waves, 1234) },
    {
      name: 'report',
      attachment: reportCard(
        123_456,
        `https://contosomigration.blob.core.windows.net/state/reports/${'a'.repeat(36)}.csv?sv=2025-01-05&se=2026-11-24T09%3A15%3A00Z&sr=b&sp=r&sig=${'b'.repeat(44)}`,
        new Date('2026-11-24T09:15:00Z')
      ),
    },
  ];
}
