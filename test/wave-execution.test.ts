import { WaveNotApprovedError, executeWave } from '../src/engine/execute-wave';
import { waveDigest } from '../src/domain/waves';
import { rollbackWave } from '../src/engine/rollback-wave';
import type { DirectoryWriter } from '../src/engine/directory-writer';
import { inFlightRemovals } from '../src/domain/journal';
import type { Wave } from '../src/domain/waves';
import { InMemoryJournal } from '../src/storage/in-memory-journal';
import { TenantSimulator } from '../src/simulator/simulator-server';
import {
  TRICKY_GROUPS,
  buildTrickyTenant,
  trickyUserId,
} from '../src/simulator/scenarios/tricky-tenant';
import { approve, planWavesOn } from './support/wave-harness';

const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

/** A journal in which this wave is approved. */
async function approved(wave: Wave): Promise<InMemoryJournal> {
  const journal = new InMemoryJournal();
  await approve(journal, wave);
  return journal;
}

describe('executing a removal wave against the simulator', () => {
  let simulator: TenantSimulator;
  let base: string;
  const directE3 = (caseUser: string) =>
    simulator.directory.findUser(caseUser)?.directLicenses.has(E3);

  beforeEach(async () => {
    simulator = new TenantSimulator({
      tenant: buildTrickyTenant(),
      timings: { queuedMs: 10, usersPerSecond: 100000 },
    });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  it('removes the direct assignments that passed verification, and nobody loses anything', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    for (const wave of waves) await approve(journal, wave);
    const report = await executeWave(waves[0], context, writer, journal);
    expect(report.stoppedBecause).toBeNull();
    expect(report.removed.map((r) => r.userId).sort()).toEqual(
      [
        trickyUserId('both-same-plans'),
        trickyUserId('two-groups-union-of-plans'),
        trickyUserId('direct-disables-more-than-group'),
      ].sort()
    );
    for (const removed of report.removed) expect(directE3(removed.userId)).toBe(false);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
    expect(inFlightRemovals(await journal.entries())).toEqual([]);
  });

  it('re-checks each user just before removing: one who left the group since approval is skipped, with the reason', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const leaver = trickyUserId('both-same-plans');
    simulator.directory.requireGroup(TRICKY_GROUPS.e3).members.delete(leaver);
    simulator.directory.processGroup(TRICKY_GROUPS.e3);
    const report = await executeWave(waves[0], context, writer, await approved(waves[0]));
    expect(report.skipped).toContainEqual(
      expect.objectContaining({ userId: leaver, reason: expect.stringContaining('No group gives') })
    );
    expect(directE3(leaver)).toBe(true);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  });

  it('puts the direct assignment back exactly and stops the wave when a user lost a plan after removal', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    // The group's license is taken away the instant the direct one goes: a race nobody can check for before.
    const racing: DirectoryWriter = {
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        await writer.removeDirectLicenses(id, skus);
        const group = simulator.directory.requireGroup(TRICKY_GROUPS.e3);
        group.members.delete(id);
        simulator.directory.processGroup(group.id, new Set([id]));
      },
    };
    const report = await executeWave(waves[0], context, racing, await approved(waves[0]));
    expect(report.restored).toHaveLength(1);
    expect(report.stoppedBecause).toContain('put back');
    const victim = simulator.directory.findUser(report.restored[0].userId);
    expect(victim?.directLicenses.get(E3)?.disabledPlans).toEqual(
      waves[0].entries.find((e) => e.userId === victim?.id)?.disabledPlans
    );
    expect(report.removed.length + report.restored.length).toBe(1);
  });

  it('refuses to execute a wave nobody approved, or whose contents changed since the approval, removing nothing', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const holders = () =>
      [...simulator.directory.users.values()].filter((u) => u.directLicenses.has(E3)).length;
    const before = holders();
    await expect(executeWave(waves[0], context, writer, new InMemoryJournal())).rejects.toThrow(
      WaveNotApprovedError
    );
    const journal = await approved(waves[0]);
    const changed = {
      ...waves[0],
      entries: waves[0].entries.slice(1),
      digest: waveDigest(waves[0].entries.slice(1)),
    };
    await expect(executeWave(changed, context, writer, journal)).rejects.toThrow(
      /no approval for its exact contents/
    );
    expect(holders()).toBe(before);
  });

  it('rolls a wave back: every direct assignment it removed is put back exactly, and a second rollback sends nothing', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    for (const wave of waves) await approve(journal, wave);
    const before = new Map(
      [...simulator.directory.users.values()].map((u) => [
        u.id,
        JSON.stringify([...u.directLicenses].map(([k, v]) => [k, v.disabledPlans])),
      ])
    );
    const report = await executeWave(waves[0], context, writer, journal);
    expect(report.removed.length).toBeGreaterThan(0);
    const rollback = await rollbackWave(waves[0].digest, writer, journal);
    expect(rollback.restored).toHaveLength(report.removed.length);
    for (const user of simulator.directory.users.values()) {
      expect(JSON.stringify([...user.directLicenses].map(([k, v]) => [k, v.disabledPlans]))).toBe(
        before.get(user.id)
      );
    }
    const again = await rollbackWave(waves[0].digest, writer, journal);
    expect(again.restored).toEqual([]);
    expect(again.alreadyThere).toHaveLength(report.removed.length);
  });

  it('after a crash between intent and outcome, reconciles from a fresh read and never sends the removal twice', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = new InMemoryJournal();
    for (const wave of waves) await approve(journal, wave);
    let sent = 0;
    const crashing: DirectoryWriter = {
      ...writer,
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        sent++;
        await writer.removeDirectLicenses(id, skus);
        if (sent === 2) throw new Error('process killed');
      },
    };
    // The "crash" surfaces as a failed send; the read after shows what really happened.
    await executeWave(
      waves[0],
      context,
      {
        ...crashing,
        readUser: async (id) => {
          if (sent === 2) throw new Error('process killed');
          return writer.readUser(id);
        },
      },
      journal
    ).catch(() => undefined);
    expect(inFlightRemovals(await journal.entries()).length).toBeGreaterThan(0);
    let resent = 0;
    const counting: DirectoryWriter = {
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        resent++;
        await writer.removeDirectLicenses(id, skus);
      },
    };
    const report = await executeWave(waves[0], context, counting, journal);
    expect(inFlightRemovals(await journal.entries())).toEqual([]);
    // Three users pass; two were sent before the crash, so only one is sent now.
    expect(resent).toBe(1);
    expect(report.stoppedBecause).toBeNull();
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  });
});
