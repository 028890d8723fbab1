import type { Attachment } from 'botbuilder';
import type { LicenseErrorRow } from '../../src/engine/list-license-errors';
import type { Notice } from '../../src/engine/ports/notifier';
import { noticeCard } from '../../src/teams/cards/notice-cards';

const GROUP = 'LIC Office 365 E3 (without EXCHANGE_S_ENTERPRISE, YAMMER_ENTERPRISE) – Finance EMEA';
const RESULT = { removed: 2390, skipped: 90, restored: 10, failed: 10, stoppedBecause: null };

/** 1,234 members in license error, as `errors` and the license-errors notice take them. */
export const licenseErrorRows = (upn: (i: number) => string): LicenseErrorRow[] =>
  Array.from({ length: 1234 }, (_, i) => ({
    groupId: `g${i % 30}`,
    groupName: `${GROUP} ${i % 30}`,
    userId: `u${i}`,
    userPrincipalName: upn(i),
    skuId: '00000000-0000-0000-0000-000000000001',
    error: 'CountViolation',
    cause: 'Not enough seats: the group assigns more licenses than the tenant has.',
    fix: 'Buy seats or free some, then Entra ID processes the user again.',
  }));

/** Every notice posted once, at the scale of a large tenant (100,000 users, 30 groups, 40 waves). */
export function noticeSampleCards(
  upn: (i: number) => string
): { name: string; attachment: Attachment }[] {
  const groups = Array.from({ length: 30 }, (_, i) => `${GROUP} ${i}`);
  const notices: Notice[] = [
    { kind: 'assign-started', groups },
    { kind: 'group-processing', groupName: groups[0], state: 'ProcessingInProgress' },
    {
      kind: 'assign-finished',
      groups: groups.map((name, i) => ({ name, membersAdded: 3300, created: i % 2 === 0 })),
      failures: 12,
      processingComplete: false,
      processingPending: groups.map((name) => ({
        name,
        waitingFor: 'the audit log to show processing finished (5 minutes so far)',
      })),
      verify: Object.fromEntries(
        ['EMS', 'ENTERPRISEPACK', 'SPE_E5', 'POWER_BI_PRO', 'VISIOCLIENT'].map((sku) => [
          sku,
          { remove: 61_000, skip: 1234 },
        ])
      ),
    },
    { kind: 'license-errors', rows: licenseErrorRows(upn) },
    {
      kind: 'wave-started',
      waveNumber: 4,
      users: 2500,
      resumed: true,
      schedule:
        'Runs in its window Sat 02:00–06:00 Europe/Paris: until Sat 28 Nov 06:00 Europe/Paris (05:00 UTC).',
    },
    {
      kind: 'wave-window-closed',
      waveNumber: 4,
      result: RESULT,
      schedule: 'Goes on in its window: next from Sat 5 Dec 02:00 Europe/Paris (01:00 UTC).',
    },
    {
      kind: 'wave-finished',
      waveNumber: 4,
      result: { ...RESULT, stoppedBecause: 'Paused by Adele Vance.' },
      notable: Array.from({ length: 30 }, (_, i) => ({
        userPrincipalName: upn(i),
        outcome: (['skipped', 'restored', 'failed'] as const)[i % 3],
        reason: `"${GROUP}" disables Exchange Online (Plan 2), which the direct assignment enables.`,
      })),
    },
    {
      kind: 'follow-up-finished',
      waveNumber: 2,
      checked: 4800,
      usersGone: 3,
      problems: 1234,
      findings: Array.from({ length: 20 }, (_, i) => ({
        intentId: `i${i}`,
        userId: `u${i}`,
        userPrincipalName: upn(i),
        skuId: '00000000-0000-0000-0000-000000000001',
        problem: 'lost-plans' as const,
        detail: `Lost Exchange Online (Plan 2) of Office 365 E3: "${GROUP}" disables it now.`,
        needsRestore: true,
      })),
      restoreRequested: true,
      nextWave: 3,
      nextWaveHeldBy: "Wave 2's follow-up found 1,234 problems.",
      releasedBefore: 3,
    },
    { kind: 'follow-up-restored', waveNumber: 2, restored: 1234, alreadyThere: 12 },
    { kind: 'rollback-finished', waveNumber: 3, restored: 2480, failed: 20 },
    {
      kind: 'automation-still-running',
      findings: Array.from({ length: 5 }, (_, i) => ({
        actor: `Contoso nightly license script ${i}`,
        actorKind: 'app' as const,
        changes: 4200,
        daysActive: 30,
        lastSeen: '2026-11-24T02:00:00Z',
        everyDays: 1,
      })),
      reassigned: Array.from({ length: 400 }, (_, i) => ({
        userId: `u${i}`,
        skuId: '00000000-0000-0000-0000-000000000001',
        waveNumber: 1,
        removedAt: '2026-11-20T02:00:00Z',
        userPrincipalName: upn(i),
        actor: 'Contoso nightly license script',
        reassignedAt: '2026-11-21T02:00:00Z',
      })),
      joiners: {
        count: 240,
        actors: ['Contoso nightly license script'],
        sample: [1, 2, 3, 4, 5].map(upn),
      },
    },
    {
      kind: 'problem',
      text: `Group assignment stopped: Graph answered 503 for "${GROUP}" five times; say \`assign\` again.`,
    },
  ];
  return notices.map((notice) => ({
    name: `notice-${notice.kind}`,
    attachment: noticeCard(notice),
  }));
}
