import type { Attachment } from 'botbuilder';
import type { ApprovalRequest } from '../../src/domain/approvals';
import type { InventoryReport } from '../../src/domain/inventory';
import type { StoredWave } from '../../src/domain/migration-record';
import { NEW_MIGRATION_RECORD, type ProgressPoint } from '../../src/domain/migration-record';
import { parseReleaseWindow } from '../../src/domain/release-window';
import { approvalCard } from '../../src/teams/cards/approval-card';
import { helpCard } from '../../src/teams/cards/help-card';
import { doctorCard } from '../../src/teams/cards/doctor-card';
import { evaluatePreflight } from '../../src/domain/preflight';
import { inventoryCard } from '../../src/teams/cards/inventory-card';
import { progressCard } from '../../src/teams/cards/progress-card';
import { statusCard } from '../../src/teams/cards/status-card';
import { summaryCard } from '../../src/teams/cards/summary-card';
import { noticeSampleCards } from './sample-notice-cards';
import { largePlanCard } from './sample-plan-card';
import { readSampleCards } from './sample-read-cards';
import { EMS } from '../fixtures/skus';

/**
 * Every card the bot sends, filled as they are with a large tenant in play (100,000 users, 40 waves,
 * long names), to check each against the Adaptive Card schema, Teams' size limit and a real renderer.
 */
export function sampleCards(): { name: string; card: Record<string, unknown> }[] {
  const person = { id: '7b3e9a10-2c4d-4e5f-8a6b-1c2d3e4f5a60', name: 'Adele Vance' };
  const upn = (i: number) => `a.rather.long.user.name.${i}@finance.emea.contoso.example`;
  const request: ApprovalRequest = {
    id: 'c8f1d1a2-9e0b-4f3a-8b7c-6d5e4f3a2b1c',
    subject: { kind: 'wave', waveNumber: 3, digest: 'ab'.repeat(32) },
    summary: [
      'Remove 11,520 direct license assignments from 6,400 users; their group licenses stay.',
      `For example: ${[1, 2, 3, 4, 5].map(upn).join(', ')}, and 6,395 more.`,
      'Each user is checked again on fresh data just before the removal; anyone who would lose anything is skipped, and anyone who loses something is given the direct assignment back at once.',
      'After this wave: 2 more (25,600, 67,950 users), each with its own sign-off.',
    ],
    requestedBy: person,
    requestedAt: '2026-11-24T09:00:00.000Z',
    expiresAt: '2026-11-25T09:00:00.000Z',
    status: 'pending',
  };
  const waves: StoredWave[] = Array.from({ length: 40 }, (_, i) => ({
    number: i + 1,
    digest: `${i}`.padStart(64, 'f'),
    userCount: 2500,
    // Entries are what the record holds; cards must not list them all.
    entries: Array.from({ length: 2500 }, (_, u) => ({
      userId: `u${i}-${u}`,
      userPrincipalName: upn(u),
      skuId: EMS,
      disabledPlans: [],
    })),
    status: i < 3 ? 'completed' : i === 3 ? 'running' : 'proposed',
    proposedBy: person,
    ...(i < 3
      ? {
          followUp: {
            dueAt: '2026-11-25T09:00:00.000Z',
            status:
              i === 0 ? ('clean' as const) : i === 1 ? ('problems' as const) : ('waiting' as const),
            problems: i === 1 ? 1234 : 0,
            findings: [],
          },
        }
      : {}),
  }));
  const history: ProgressPoint[] = Array.from({ length: 40 }, (_, i) => ({
    at: new Date(Date.UTC(2026, 10, 1 + (i % 28), 9)).toISOString(),
    label: i === 0 ? 'before the groups' : `after wave ${i}`,
    skus: ['EMS', 'ENTERPRISEPACK', 'SPE_E5', 'POWER_BI_PRO', 'VISIOCLIENT'].map((part, k) => ({
      skuId: `00000000-0000-0000-0000-00000000000${k}`,
      skuPartNumber: part,
      directOnly: 100_000 - i * 2500,
      both: i * 2000,
      inheritedOnly: i * 500,
    })),
  }));
  const blocked =
    'Wave 2\'s follow-up found 1,234 problems (a.rather.long.user.name.1@finance.emea.contoso.example lost Exchange Online (Plan 2) of Office 365 E3: "LIC Office 365 E3 – Finance EMEA" disables it now (the group\'s disabled plans changed after the wave)): resolve them and run `followup 2` before wave 3.';
  const window = parseReleaseWindow('Sat 02:00-06:00 Europe/Paris');
  const approvedByLee: ApprovalRequest = {
    ...request,
    status: 'approved',
    decidedBy: { id: 'x', name: 'Lee Gu' },
    decidedAt: '2026-11-24T10:00:00Z',
  };
  const inventory: InventoryReport = {
    userCount: 100_000,
    licensedUserCount: 99_000,
    disabledLicensedUsers: 120,
    licensedUsersWithoutUsageLocation: 45,
    unknownSkuIds: [],
    skus: ['EMS', 'ENTERPRISEPACK', 'SPE_E5', 'POWER_BI_PRO', 'VISIOCLIENT'].map((part, i) => ({
      skuId: `00000000-0000-0000-0000-00000000000${i}`,
      skuPartNumber: part,
      prepaidUnits: 100_000,
      consumedUnits: 90_000,
      availableUnits: 10_000,
      directOnly: 50_000,
      inheritedOnly: 30_000,
      both: 10_000,
    })),
    automation: [
      {
        actor: 'Contoso nightly license script',
        actorKind: 'app',
        changes: 4200,
        daysActive: 30,
        lastSeen: '2026-11-24T02:00:00Z',
        everyDays: 1,
      },
    ],
    auditLogProblem: null,
  };
  const content = (attachment: Attachment) => attachment.content as Record<string, unknown>;
  return [
    { name: 'help', card: content(helpCard()) },
    {
      name: 'doctor',
      card: content(
        doctorCard(
          evaluatePreflight({
            permissions: {
              skus: { kind: 'granted' },
              users: { kind: 'granted' },
              groups: { kind: 'granted' },
              memberWrite: { kind: 'denied', code: 'Authorization_RequestDenied' },
              licenseWrite: { kind: 'denied', code: 'Authorization_RequestDenied' },
              userWrite: { kind: 'unchecked', why: 'the command line never writes' },
            },
            auditLog: { kind: 'not-premium' },
            adminGroup: { kind: 'found', id: person.id, hasMembers: true },
            approverGroup: { kind: 'not-found', id: request.id },
            channel: { kind: 'missing' },
            storage: { kind: 'failed', reason: '403 AuthorizationPermissionMismatch' },
          })
        )
      ),
    },
    {
      name: 'inventory',
      card: content(inventoryCard(inventory, new Date('2026-11-24T09:00:00Z'))),
    },
    { name: 'approval-everyone', card: content(approvalCard(request, { canDecide: false })) },
    { name: 'approval-approver', card: content(approvalCard(request, { canDecide: true })) },
    {
      name: 'approval-blocked',
      card: content(
        approvalCard(request, {
          canDecide: true,
          conditions: { blockedBecause: blocked, schedule: null },
        })
      ),
    },
    {
      name: 'approval-overridden-with-window',
      card: content(
        approvalCard(
          {
            ...approvedByLee,
            reason:
              'The finance team asked for it before the quarter closes; the E3 group is fixed.',
            overrode: blocked,
            window,
          },
          {
            canDecide: false,
            conditions: {
              blockedBecause: null,
              schedule:
                'Runs in its window Sat 02:00–06:00 Europe/Paris: next from Sat 28 Nov 02:00 Europe/Paris (01:00 UTC).',
            },
          }
        )
      ),
    },
    {
      name: 'approval-rejected-with-markdown-typed',
      card: content(
        approvalCard(
          {
            ...request,
            status: 'rejected',
            decidedBy: { id: 'y', name: '**Nestor** [Wilke](https://evil.example)' },
            decidedAt: '2026-11-24T10:00:00Z',
            reason: `[Approve again here](https://evil.example/approve)\n\n- **Urgent**: <b>click</b> # now ${'x'.repeat(480)}`,
          },
          { canDecide: false }
        )
      ),
    },
    {
      name: 'approval-decided',
      card: content(
        approvalCard(
          {
            ...approvedByLee,
          },
          {
            canDecide: false,
            notice: 'Removal wave 3 was already approved by Lee Gu; nothing was done twice.',
          }
        )
      ),
    },
    {
      name: 'status',
      card: content(
        statusCard({
          record: { ...NEW_MIGRATION_RECORD, waves, approvals: [request], history },
          stage: 'Wave 4 is running.',
          now: new Date('2026-11-24T12:00:00Z'),
          tallies: waves.slice(0, 4).map((w) => ({
            waveNumber: w.number,
            waveDigest: w.digest,
            approvedBy: 'Lee Gu (x)',
            removed: 2400,
            skipped: 90,
            restored: 10,
            failed: 0,
          })),
        })
      ),
    },
    {
      name: 'progress',
      card: content(
        progressCard(
          4,
          1200,
          2500,
          { removed: 1100, skipped: 90, restored: 10, failed: 0, stoppedBecause: null },
          false
        )
      ),
    },
    {
      name: 'summary',
      card: content(
        summaryCard({
          title: '1,234 group members are in license error',
          color: 'Attention',
          facts: [{ title: 'Office 365 E3', value: '61,000 can go, 1,234 must stay' }],
          rows: Array.from({ length: 10 }, (_, i) => ({
            heading: `${upn(i)} in LIC Office 365 E3: CountViolation`,
            detail:
              'Not enough seats. Fix: buy seats or free some, then Entra ID processes the user again.',
          })),
          lines: ['Their direct assignments stay until the error is fixed.'],
          footer: 'And 1,224 more: `report` lists every user.',
        })
      ),
    },
    { name: 'plan', card: content(largePlanCard(upn)) },
    ...[...readSampleCards(upn, waves, request), ...noticeSampleCards(upn)].map(
      ({ name, attachment }) => ({ name, card: content(attachment) })
    ),
  ];
}
