import type { Person } from '../../src/domain/approvals';
import { GIVE_BACK_RETRY, giveBackRetryDelayMs, owedText } from '../../src/domain/give-back';
import type { JournalEntry } from '../../src/domain/journal';
import { JournalSummary } from '../../src/domain/journal-summary';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import {
  NEW_MIGRATION_RECORD,
  followUpRequester,
  type MigrationRecord,
  type StoredWave,
} from '../../src/domain/migration-record';
import { rollbackWave } from '../../src/engine/rollback-wave';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { EMS as SKU } from '../fixtures/skus';
import { InMemoryDirectory, activeRow, userNamed } from '../support/in-memory-directory';

/** The rules of giving licenses back, on plain data: when to try again, what is owed, who asked. */

const adele: Person = { id: 'adele', name: 'Adele Vance' };
const lee: Person = { id: 'lee', name: 'Lee Gu' };
const nestor: Person = { id: 'nestor', name: 'Nestor Wilke' };

describe('trying a give-back again', () => {
  it('waits 30 s after the first failed pass, doubling to at most 15 minutes, for ever', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 100, 10_000].map((n) => giveBackRetryDelayMs(n));
    expect(delays).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000, 900_000,
    ]);
    expect(GIVE_BACK_RETRY).toEqual({ firstMs: 30_000, maxMs: 900_000 });
  });

  it('says who is still owed, grouped by why, when it tries again and how to stop it', () => {
    const text = owedText(
      'the rollback of wave 2',
      [
        { userPrincipalName: 'a@contoso.example', reason: 'No seats left' },
        { userPrincipalName: 'b@contoso.example', reason: 'No seats left' },
        { userPrincipalName: 'c@contoso.example', reason: 'Invalid usage location' },
      ],
      40,
      60_000
    );
    expect(text).toBe(
      'The rollback of wave 2 still owes 3 direct license assignments: Graph refused or failed to put them back. a@contoso.example, b@contoso.example: No seats left. c@contoso.example: Invalid usage location. 40 put back so far stay back. I try again in 60 seconds, and keep trying until every one is back; `pause` stops the attempts, `resume` goes on.'
    );
  });

  it('counts users a removal took something from whose putting back is not recorded yet', () => {
    const entries: JournalEntry[] = [
      intent('i1', 'u1', 'wave-1'),
      intent('i2', 'u2', 'wave-1'),
      // Being removed, nothing taken yet: not waiting for anything to be put back.
      intent('i3', 'u3', 'wave-1'),
      { kind: 'restore-intended', id: 'r1', at: 'x', intentId: 'i1' },
      { kind: 'restore-intended', id: 'r2', at: 'x', intentId: 'i2' },
      {
        kind: 'removal-outcome',
        id: 'o2',
        at: 'x',
        intentId: 'i2',
        outcome: 'restored',
        reason: '',
      },
    ];
    const summary = JournalSummary.of(entries);
    expect(summary.awaitingPutBack('wave-1')).toBe(1);
    expect(summary.awaitingPutBack('wave-2')).toBe(0);
  });
});

describe('who asks for a restore a follow-up found necessary', () => {
  const wave = (followUp?: StoredWave['followUp']): StoredWave => ({
    number: 1,
    digest: 'wave-1',
    userCount: 1,
    entries: [],
    status: 'completed',
    approvalId: 'a1',
    proposedBy: adele,
    ...(followUp ? { followUp } : {}),
  });
  const record: MigrationRecord = {
    ...NEW_MIGRATION_RECORD,
    approvals: [
      {
        id: 'a1',
        subject: { kind: 'wave', waveNumber: 1, digest: 'wave-1' },
        summary: [],
        requestedBy: adele,
        requestedAt: 'x',
        expiresAt: 'x',
        status: 'approved',
        decidedBy: lee,
      },
    ],
  };

  it('is the admin who typed `followup N`', () => {
    expect(
      followUpRequester(record, wave({ dueAt: 'x', status: 'waiting', askedBy: nestor }))
    ).toBe(nestor);
  });

  it('after the soak period, is the approver who released the wave, so another approver decides', () => {
    expect(followUpRequester(record, wave({ dueAt: 'x', status: 'waiting' }))).toBe(lee);
  });
});

describe('a rollback of a wave that stopped with removals in flight', () => {
  it('settles them from fresh reads first and puts back the one that did happen', async () => {
    const journal = new InMemoryJournal();
    const directory = new InMemoryDirectory().withUsers(
      snapshot('done', false),
      snapshot('in-flight-removed', false),
      snapshot('in-flight-not-sent', true)
    );
    await journal.append(intent('i1', 'done', 'wave-1'));
    await journal.append({
      kind: 'removal-outcome',
      id: 'o1',
      at: 'x',
      intentId: 'i1',
      outcome: 'removed',
      reason: '',
    });
    await journal.append(intent('i2', 'in-flight-removed', 'wave-1'));
    await journal.append(intent('i3', 'in-flight-not-sent', 'wave-1'));

    // These reads are known fresh (no replicas here): the waits for a lagging replica cost nothing.
    const report = await rollbackWave('wave-1', directory, journal, {
      readBack: { sleep: () => Promise.resolve() },
    });

    expect(report.failed).toEqual([]);
    expect(report.restored.map((r) => r.userId).sort()).toEqual(['done', 'in-flight-removed']);
    expect(
      ['done', 'in-flight-removed', 'in-flight-not-sent'].map((id) =>
        directory.holdsDirectly(id, SKU)
      )
    ).toEqual([true, true, true]);
    const outcomes = (await journal.entries()).flatMap((e) =>
      e.kind === 'removal-outcome' ? [[e.intentId, e.outcome]] : []
    );
    expect(outcomes).toEqual([
      ['i1', 'removed'],
      ['i2', 'removed'],
      ['i3', 'failed'],
      ['i1', 'restored'],
      ['i2', 'restored'],
    ]);
  });
});

function intent(id: string, userId: string, waveDigest: string): JournalEntry {
  return {
    kind: 'removal-intended',
    id,
    at: 'x',
    waveNumber: 1,
    waveDigest,
    userId,
    skuId: SKU,
    disabledPlans: [],
  };
}

function snapshot(userId: string, holdsDirectly: boolean): UserLicenseSnapshot {
  return {
    ...userNamed(userId),
    licenseAssignmentStates: [
      ...(holdsDirectly ? [activeRow(SKU, null)] : []),
      activeRow(SKU, 'licensing-group'),
    ],
  };
}
