import {
  describeReassignment,
  reassignedAfterWaves,
  removedAssignments,
} from '../../src/domain/done-report';
import type { JournalEntry } from '../../src/domain/journal';
import { JournalSummary } from '../../src/domain/journal-summary';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import { EMS } from '../fixtures/skus';

const intent = (id: string, userId: string, wave = 1): JournalEntry => ({
  kind: 'removal-intended',
  id,
  at: '2026-11-01T10:00:00Z',
  waveNumber: wave,
  waveDigest: `digest-${wave}`,
  userId,
  skuId: EMS,
  disabledPlans: [],
});
const outcome = (
  intentId: string,
  result: 'removed' | 'restored' | 'skipped',
  at = '2026-11-01T10:00:01Z'
): JournalEntry => ({
  kind: 'removal-outcome',
  id: `${intentId}-${result}`,
  at,
  intentId,
  outcome: result,
  reason: '',
});
const directlyLicensed = (id: string): UserLicenseSnapshot => ({
  id,
  userPrincipalName: `${id}@contoso.example`,
  accountEnabled: true,
  usageLocation: 'US',
  licenseAssignmentStates: [
    { skuId: EMS, assignedByGroup: null, disabledPlans: [], state: 'Active', error: null },
    { skuId: EMS, assignedByGroup: 'g1', disabledPlans: [], state: 'Active', error: null },
  ],
});

describe('the done report', () => {
  const journal: JournalEntry[] = [
    {
      kind: 'wave-decision',
      id: 'd1',
      at: '2026-11-01T09:00:00Z',
      waveNumber: 1,
      waveDigest: 'digest-1',
      decision: 'approved',
      by: 'approver@contoso.example',
    },
    intent('a', 'alice'),
    outcome('a', 'removed'),
    intent('b', 'bob'),
    outcome('b', 'removed'),
    outcome('b', 'restored', '2026-11-02T10:00:00Z'), // rolled back later
    intent('c', 'carol'),
    outcome('c', 'skipped'),
  ];

  it('counts each wave by the latest outcome of each assignment, with who approved it', () => {
    expect(JournalSummary.of(journal).waveTallies()).toEqual([
      {
        waveNumber: 1,
        waveDigest: 'digest-1',
        approvedBy: 'approver@contoso.example',
        removed: 1,
        skipped: 1,
        restored: 1,
        failed: 0,
      },
    ]);
  });

  it('moves an assignment from removed to restored when a rollback puts it back later', () => {
    const summary = new JournalSummary();
    const counts = () =>
      summary
        .waveTallies()
        .map(({ removed, skipped, restored }) => ({ removed, skipped, restored }));
    expect(counts()).toEqual([]);
    const rolledBack = journal.findIndex((e) => e.id === 'b-restored');
    for (const entry of journal.slice(0, rolledBack)) summary.add(entry);
    expect(counts()).toEqual([{ removed: 2, skipped: 0, restored: 0 }]);
    for (const entry of journal.slice(rolledBack)) summary.add(entry);
    expect(counts()).toEqual([{ removed: 1, skipped: 1, restored: 1 }]);
  });

  it('warns about a removed assignment made directly again, naming the automation that did it', () => {
    const warnings = reassignedAfterWaves(
      removedAssignments(journal),
      new Map([
        ['alice', directlyLicensed('alice')],
        ['bob', directlyLicensed('bob')],
      ]),
      [
        // Before the removal: not the one that put it back.
        {
          at: '2026-11-01T08:00:00Z',
          actor: 'Old script',
          actorKind: 'app',
          targetUserId: 'alice',
        },
        {
          at: '2026-11-01T11:00:00Z',
          actor: 'Microsoft Azure AD Group-Based Licensing',
          actorKind: 'app',
          targetUserId: 'alice',
        },
        {
          at: '2026-11-03T02:00:00Z',
          actor: 'Old script',
          actorKind: 'app',
          targetUserId: 'alice',
        },
      ]
    );
    // Bob was rolled back, so his direct assignment is expected.
    expect(warnings).toEqual([
      expect.objectContaining({
        userId: 'alice',
        actor: 'Old script',
        reassignedAt: '2026-11-03T02:00:00Z',
      }),
    ]);
    expect(describeReassignment(warnings[0], 'EMS E3')).toMatch(
      /alice@contoso.example: EMS E3 was removed in wave 1, but Old script assigned it directly again/
    );
  });

  it('still warns when the audit log does not say who assigned it again', () => {
    const [warning] = reassignedAfterWaves(
      removedAssignments(journal),
      new Map([['alice', directlyLicensed('alice')]]),
      []
    );
    expect(warning.actor).toBeNull();
    expect(describeReassignment(warning, 'EMS E3')).toMatch(/does not say by whom/);
  });

  it('says nothing about a removed assignment that stayed removed', () => {
    const inheritedOnly: UserLicenseSnapshot = {
      ...directlyLicensed('alice'),
      licenseAssignmentStates: directlyLicensed('alice').licenseAssignmentStates.slice(1),
    };
    expect(
      reassignedAfterWaves(removedAssignments(journal), new Map([['alice', inheritedOnly]]), [])
    ).toEqual([]);
  });
});
