import { readsOf } from '../support/journal-entries';
import { WaveNotApprovedError, executeWave } from '../../src/engine/execute-wave';
import { waveDigest } from '../../src/domain/waves';
import { plansLostAfterRemoval } from '../../src/domain/removal-safety';
import { rollbackWave } from '../../src/engine/rollback-wave';
import type { DirectoryWriter } from '../../src/engine/ports/directory-writer';
import { inFlightRemovals, type JournalEntry } from '../../src/domain/journal';
import type { Wave } from '../../src/domain/waves';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  TRICKY_GROUPS,
  buildTrickyTenant,
  trickyUserId,
} from '../../src/simulator/scenarios/tricky-tenant';
import { approve, planWavesOn } from '../support/wave-harness';
import { graphCall } from '../support/graph-http';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

/** Waits that pass in simulated time only: each moves the clock the lag bound is measured on. */
function simulatedWaits() {
  let clock = Date.now();
  return {
    now: () => new Date(Math.max(clock, Date.now())),
    sleep: async (ms: number) => {
      clock = Math.max(clock, Date.now()) + ms;
    },
  };
}

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
  /** The group's license is taken away the instant the direct one goes: a race nobody can check for before. */
  const racingWriter = (writer: DirectoryWriter): DirectoryWriter => ({
    readUser: (id) => writer.readUser(id),
    restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
    removeDirectLicenses: async (id, skus) => {
      const answer = await writer.removeDirectLicenses(id, skus);
      const group = simulator.directory.requireGroup(TRICKY_GROUPS.e3);
      group.members.delete(id);
      simulator.directory.processGroup(group.id, new Set([id]));
      return answer;
    },
  });

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

  it('a dry run of a wave needs no approval, re-checks every user on fresh data, and changes and journals nothing', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const leaver = trickyUserId('both-same-plans');
    simulator.directory.requireGroup(TRICKY_GROUPS.e3).members.delete(leaver);
    simulator.directory.processGroup(TRICKY_GROUPS.e3);
    const journal = new InMemoryJournal();
    const preview = await executeWave(waves[0], context, writer, journal, { dryRun: true });
    expect(preview.dryRun).toBe(true);
    expect(preview.removed.map((r) => r.userId).sort()).toEqual(
      [
        trickyUserId('two-groups-union-of-plans'),
        trickyUserId('direct-disables-more-than-group'),
      ].sort()
    );
    expect(preview.skipped).toContainEqual(expect.objectContaining({ userId: leaver }));
    for (const entry of waves[0].entries) expect(directE3(entry.userId)).toBe(true);
    expect(await journal.entries()).toEqual([]);
  });

  it('stops between round trips when asked to (a pause), and the next run goes on where it stopped', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const journal = await approved(waves[0]);
    const pausedAfterFirst = async () => 'Paused by Adele Vance.';
    const progress: number[] = [];
    const first = await executeWave(waves[0], context, writer, journal, {
      shouldStop: pausedAfterFirst,
      onProgress: async (_r, done) => void progress.push(done),
    });
    expect(first.stoppedBecause).toBe('Paused by Adele Vance.');
    expect(first.removed).toEqual([]);
    const second = await executeWave(waves[0], context, writer, journal);
    expect(second.stoppedBecause).toBeNull();
    expect(second.removed.length).toBeGreaterThan(0);
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
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
    const racing = racingWriter(writer);
    const report = await executeWave(waves[0], context, racing, await approved(waves[0]));
    // Removals go out 20 users at a time: everyone in that round trip who lost something is restored.
    expect(report.restored.length).toBeGreaterThan(0);
    expect(report.stoppedBecause).toContain('put back');
    for (const restored of report.restored) {
      const user = simulator.directory.findUser(restored.userId);
      const frozen = waves[0].entries.find(
        (e) => e.userId === restored.userId && e.skuId === restored.skuId
      );
      expect(user?.directLicenses.get(E3)?.disabledPlans).toEqual(frozen?.disabledPlans);
    }
    // Everyone whose direct assignment went still has every plan it enabled (other losses are the race's own).
    for (const removed of report.removed) {
      const frozen = waves[0].entries.find(
        (e) => e.userId === removed.userId && e.skuId === removed.skuId
      );
      const fresh = await writer.readUser(removed.userId);
      if (fresh.kind !== 'read') throw new Error(`${removed.userId} could not be read`);
      expect(
        plansLostAfterRemoval(fresh.user, context.skus.get(E3), E3, frozen?.disabledPlans ?? [])
      ).toEqual([]);
    }
  });

  it('after a crash between a restore and its record, never sends that removal again and stays stopped', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const racing = racingWriter(writer);
    const journal = await approved(waves[0]);
    // The process dies as it records the first restore: the direct assignment is already back.
    const dying = {
      ...readsOf(journal),
      append: async (entry: JournalEntry) => {
        if (entry.kind === 'removal-outcome' && entry.outcome === 'restored')
          throw new Error('the process stopped');
        await journal.append(entry);
      },
    };
    await expect(executeWave(waves[0], context, racing, dying)).rejects.toThrow('stopped');
    // The next run may put back what the crash left lost, but removes nothing.
    const removals: string[] = [];
    const counting: DirectoryWriter = {
      readUser: (id) => writer.readUser(id),
      readUsers: (ids) => writer.readUsers!(ids),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        removals.push(id);
        return writer.removeDirectLicenses(id, skus);
      },
      removeDirectLicensesForUsers: async (items) => {
        removals.push(...items.map((i) => i.userId));
        return writer.removeDirectLicensesForUsers!(items);
      },
    };
    const again = await executeWave(waves[0], context, counting, journal);
    expect(removals).toEqual([]);
    expect(again.stoppedBecause).toMatch(/put back/);
    // The user being put back when the process died has the direct assignment back.
    const entries = await journal.entries();
    const restoring = entries.find((e) => e.kind === 'restore-intended');
    const intent = entries.find(
      (e) =>
        e.kind === 'removal-intended' &&
        restoring?.kind === 'restore-intended' &&
        e.id === restoring.intentId
    );
    expect(intent?.kind === 'removal-intended' && directE3(intent.userId)).toBe(true);
  });

  it('tries the wave again later when Graph cannot answer a whole round trip, rather than stopping it', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    const unavailable: DirectoryWriter = {
      ...writer,
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: (id, skus) => writer.removeDirectLicenses(id, skus),
      readUsers: async (ids) =>
        new Map(
          ids.map((id) => [
            id,
            { kind: 'failed', reason: '503 serviceNotAvailable: try later', transient: true },
          ])
        ),
    };
    await expect(
      executeWave(waves[0], context, unavailable, await approved(waves[0]))
    ).rejects.toThrow('503');
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
    const entriesBefore = (await journal.entries()).length;
    const preview = await rollbackWave(waves[0].digest, writer, journal, { dryRun: true });
    expect(preview.restored).toHaveLength(report.removed.length);
    expect((await journal.entries()).length).toBe(entriesBefore);
    expect(report.removed.every((r) => !directE3(r.userId))).toBe(true);
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
    const journal = await approved(waves[0]);
    // The process dies right after its second removal reached Graph: from then on every call fails.
    let sent = 0;
    let dead = false;
    const dying: DirectoryWriter = {
      readUser: async (id) => {
        if (dead) throw new Error('process killed');
        return writer.readUser(id);
      },
      restoreDirectLicense: async (id, sku, plans) => {
        if (dead) throw new Error('process killed');
        return writer.restoreDirectLicense(id, sku, plans);
      },
      removeDirectLicenses: async (id, skus) => {
        if (dead) throw new Error('process killed');
        const answer = await writer.removeDirectLicenses(id, skus);
        if (++sent === 2) dead = true;
        return answer;
      },
    };
    const crashed = await executeWave(waves[0], context, dying, journal);
    expect(crashed.stoppedBecause).toContain('will reconcile');
    expect(inFlightRemovals(await journal.entries()).length).toBe(3);

    let resent = 0;
    const restarted: DirectoryWriter = {
      readUser: (id) => writer.readUser(id),
      restoreDirectLicense: (id, sku, plans) => writer.restoreDirectLicense(id, sku, plans),
      removeDirectLicenses: async (id, skus) => {
        resent++;
        return writer.removeDirectLicenses(id, skus);
      },
    };
    // The read of the removal never sent is trusted only once the lag bound has passed since its
    // intent: simulated time, so the test does not wait it out.
    const report = await executeWave(waves[0], context, restarted, journal, {
      readBack: simulatedWaits(),
    });
    expect(inFlightRemovals(await journal.entries())).toEqual([]);
    // Three users pass; two removals reached Graph before the crash, so only the third is sent now.
    expect(resent).toBe(1);
    expect(report.stoppedBecause).toBeNull();
    expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);
  });
});

describe('batched removals under throttling', () => {
  it('retries the items Graph throttled inside a batch after their Retry-After, and removes every one once', async () => {
    // Real time: the bucket must not refill in the moment between spending it and the removals (a slow CI machine).
    const simulator = new TenantSimulator({ tenant: buildTrickyTenant(), timeScale: 1 });
    const base = await simulator.start();
    try {
      const { writer, waves } = await planWavesOn(base, ['rest']);
      // Spend the whole write quota first, as a busy tenant would.
      const spend = Array.from({ length: 20 }, (_, i) => ({
        id: String(i),
        method: 'PATCH',
        url: `/users/${trickyUserId('direct-only')}`,
        headers: { 'Content-Type': 'application/json' },
        body: { jobTitle: 'busy' },
      }));
      let throttledSeen = false;
      for (let i = 0; i < 200 && !throttledSeen; i++) {
        const answer = await graphCall(base, 'POST', '/v1.0/$batch', { requests: spend });
        throttledSeen = answer.body.responses.some((r: { status: number }) => r.status === 429);
      }
      expect(throttledSeen).toBe(true);
      const items = waves[0].entries.map((e) => ({ userId: e.userId, skuIds: [e.skuId] }));
      let batches = 0;
      simulator.onRequest = (_method, url) => {
        if (url.includes('$batch')) batches++;
      };
      const results = await writer.removeDirectLicensesForUsers(items);
      // The first batch met an empty bucket; the throttled items went again in a later one.
      expect(batches).toBeGreaterThan(1);
      expect([...results.values()]).toEqual(items.map(() => ({ kind: 'done' })));
      for (const item of items)
        expect(simulator.directory.findUser(item.userId)?.directLicenses.has(E3)).toBe(false);
    } finally {
      await simulator.stop();
    }
  }, 30_000);
});
