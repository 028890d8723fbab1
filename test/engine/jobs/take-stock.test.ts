import { NEW_MIGRATION_RECORD } from '../../../src/domain/migration-record';
import { takeStock } from '../../../src/engine/jobs/take-stock';
import type { Notice } from '../../../src/engine/ports/notifier';
import { memoryState, type BotState } from '../../../src/storage/bot-state';
import { InMemoryDirectory, activeRow, userNamed } from '../../support/in-memory-directory';
import { E3, E3_GROUP, Gate } from '../../support/runner-fixture';

const REMOVED_AT = '2025-03-03T10:00:00.000Z';

/**
 * Wave 1 removed user-1's direct E3 (journaled); user-1 keeps E3 through the group. The read of every
 * user after wave 1 waits at the gate, so a test can change the tenant and the journal while it reads.
 */
async function afterWaveOne(
  before: (state: BotState, directory: InMemoryDirectory) => Promise<void> = async () => undefined
) {
  const state = memoryState();
  await state.journal.append({
    kind: 'removal-intended',
    id: 'intent-1',
    at: REMOVED_AT,
    waveNumber: 1,
    waveDigest: 'digest-1',
    userId: 'user-1',
    skuId: E3.skuId,
    disabledPlans: [],
  });
  await state.journal.append({
    kind: 'removal-outcome',
    id: 'outcome-1',
    at: REMOVED_AT,
    intentId: 'intent-1',
    outcome: 'removed',
    reason: 'Removed; the license stays, inherited.',
  });
  const { etag } = await state.store.read();
  await state.store.write(NEW_MIGRATION_RECORD, etag);
  const directory = new InMemoryDirectory([E3])
    .withGroup(E3_GROUP, 'Office E3 licensing', [E3.skuId])
    .withUsers({
      ...userNamed('user-1'),
      licenseAssignmentStates: [activeRow(E3.skuId, E3_GROUP)],
    });
  const gate = new Gate();
  const reader: InMemoryDirectory = Object.create(directory);
  reader.forEachUser = async (visit) => {
    await gate.pass();
    return directory.forEachUser(visit);
  };
  await before(state, directory);
  const notices: Notice[] = [];
  const logs: string[] = [];
  const taking = takeStock(
    {
      reader,
      journal: state.journal,
      store: state.store,
      waveContents: state.waveContents,
      notifier: { notify: async (notice) => void notices.push(notice) },
      now: () => new Date('2025-03-03T11:00:00Z'),
      log: (line) => logs.push(line),
    },
    { label: 'after wave 1', since: REMOVED_AT, throughWave: 1 }
  );
  await gate.reached();
  const reassigned = () =>
    notices.flatMap((n) => (n.kind === 'automation-still-running' ? n.reassigned : []));
  return { state, directory, gate, taking, reassigned, logs };
}

describe('the stock-taking after a wave, read while the next steps run', () => {
  it('does not report a license the bot put back while it read as assigned directly again', async () => {
    const t = await afterWaveOne();
    // A give-back (a restore after the follow-up, a rollback) puts user-1's direct E3 back, journaled.
    await t.directory.restoreDirectLicense('user-1', E3.skuId, []);
    await t.state.journal.append({
      kind: 'removal-outcome',
      id: 'outcome-2',
      at: '2025-03-03T10:30:00.000Z',
      intentId: 'intent-1',
      outcome: 'restored',
      reason: 'Rolled back with the wave: the direct assignment was put back exactly.',
    });

    t.gate.openNow();
    await t.taking;
    expect(t.reassigned()).toEqual([]);
    expect(t.logs).toEqual([]);
  });

  it('still warns when someone else assigned it directly again while it read', async () => {
    const t = await afterWaveOne();
    await t.directory.restoreDirectLicense('user-1', E3.skuId, []);

    t.gate.openNow();
    await t.taking;
    expect(t.reassigned().map((r) => r.userId)).toEqual(['user-1']);
  });

  it('leaves to the next wave the removals it made beside the read, even from a replica behind them', async () => {
    // Wave 2 removed user-2's direct E3 and journaled it just before this read began; the replica the
    // read's pages come from has not caught up with that removal yet.
    const t = await afterWaveOne(async (state, directory) => {
      directory.withUsers({
        ...userNamed('user-2'),
        licenseAssignmentStates: [activeRow(E3.skuId, null), activeRow(E3.skuId, E3_GROUP)],
      });
      await state.journal.append({
        kind: 'removal-intended',
        id: 'intent-2',
        at: '2025-03-03T10:40:00.000Z',
        waveNumber: 2,
        waveDigest: 'digest-2',
        userId: 'user-2',
        skuId: E3.skuId,
        disabledPlans: [],
      });
      await state.journal.append({
        kind: 'removal-outcome',
        id: 'outcome-3',
        at: '2025-03-03T10:40:01.000Z',
        intentId: 'intent-2',
        outcome: 'removed',
        reason: 'Removed; the license stays, inherited.',
      });
    });

    t.gate.openNow();
    await t.taking;
    expect(t.reassigned()).toEqual([]);
  });
});
