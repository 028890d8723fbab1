import { executeWave } from '../../src/engine/execute-wave';
import { rollbackWave } from '../../src/engine/rollback-wave';
import type { AutomationRun } from '../../src/simulator/running-automation';
import { joinersSinceWaves } from '../../src/domain/joiners';
import type { UserLicenseSnapshot } from '../../src/domain/licenses';
import { wavesFrozenAt } from '../../src/domain/waves-frozen';
import { NEW_MIGRATION_RECORD, type MigrationRecord } from '../../src/domain/migration-record';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import type { DirectoryUser } from '../../src/simulator/directory';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { demoTenantReadyForWaves } from '../support/durable-setup';
import { graphCall } from '../support/graph-http';
import { approve, planWavesOn } from '../support/wave-harness';
import { EMS } from '../fixtures/skus';

/** The script runs when a test says so (runOnce), never on its own during it. */
const NOT_DURING_THE_TEST = { kind: 'every', ms: 365 * 86_400_000 } as const;

describe("removal waves while the tenant's old license script keeps running", () => {
  let simulator: TenantSimulator;
  let base: string;

  beforeEach(async () => {
    ({ simulator, graphUrl: base } = await demoTenantReadyForWaves({
      automation: NOT_DURING_THE_TEST,
      // Replication lag has its own tests; here the reads are current, to keep 1,000 users quick.
      replicationLagMs: 0,
    }));
  });
  afterEach(async () => {
    await simulator.stop();
  });

  /** What anyone but the script's leavers lost: the script takes leavers' licenses, the bot takes none. */
  const lossesOfStayers = (leavers: readonly DirectoryUser[]) =>
    simulator.directory.timeline
      .losses(simulator.directory.skus)
      .filter((loss) => !leavers.some((u) => u.id === loss.userId));

  it('a joiner the script licenses directly during a wave, in no licensing group yet, keeps that license; the next verify names them', async () => {
    const { reader, writer, context, waves } = await planWavesOn(base, [40, 60]);
    const journal = new InMemoryJournal();
    for (const wave of waves) await approve(journal, wave);
    let joiners: readonly DirectoryUser[] = [];
    // The script's nightly run lands between the wave's round trips.
    const scriptRunsMidWave = async () => {
      if (joiners.length === 0) joiners = simulator.automation?.runOnce().joiners ?? [];
    };
    for (const wave of waves) {
      const report = await executeWave(wave, context, writer, journal, {
        onProgress: scriptRunsMidWave,
      });
      expect(report.failed).toEqual([]);
      expect(report.restored).toEqual([]);
      expect(report.removed.some((r) => joiners.some((j) => j.id === r.userId))).toBe(false);
    }
    expect(joiners.length).toBeGreaterThan(0);
    for (const joiner of joiners) {
      expect(joiner.directLicenses.has(EMS)).toBe(true);
      const groups = [...simulator.directory.groups.values()].filter((g) =>
        g.members.has(joiner.id)
      );
      expect(groups).toEqual([]);
    }
    expect(lossesOfStayers(simulator.automation?.runs.flatMap((r) => r.leavers) ?? [])).toEqual([]);
    const verified = await verifyDirectRemovals(reader);
    for (const joiner of joiners)
      expect(verified.users).toContainEqual(
        expect.objectContaining({
          id: joiner.id,
          skuId: EMS,
          decision: 'skip',
          reason: expect.stringContaining('No group gives'),
        })
      );
  });

  it('skips the leavers the script disabled and unlicensed after the waves were frozen: not failures, and nothing put back', async () => {
    const { writer, context, waves } = await planWavesOn(base, [100]);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    // A busy night: 300 people leave (about 30 of them in the wave).
    const script = simulator.automation;
    if (!script) throw new Error('The demo tenant has its script.');
    const leavers = [...Array(300)].flatMap(() => script.runOnce().leavers);
    const inWave = leavers.filter((u) => waves[0].entries.some((e) => e.userId === u.id));
    expect(inWave.length).toBeGreaterThan(0);
    const report = await executeWave(waves[0], context, writer, journal);
    expect(report.failed).toEqual([]);
    expect(report.restored).toEqual([]);
    for (const leaver of inWave)
      expect(report.skipped).toContainEqual(
        expect.objectContaining({ userId: leaver.id, reason: expect.stringContaining('disabled') })
      );
    expect(lossesOfStayers(leavers)).toEqual([]);
  });

  it("a leaver whose license the script removes between the wave's read and its removal is journaled gone before removal, not removed by the bot, and no rollback gives it back", async () => {
    const { writer, context, waves } = await planWavesOn(base, [100]);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const script = simulator.automation;
    if (!script) throw new Error('The demo tenant has its script.');
    let night: AutomationRun[] = [];
    const firstChunk = new Set<string>();
    // A busy night lands after the first round trip's read, just before its removals arrive.
    const removals = writer.removeDirectLicensesForUsers.bind(writer);
    writer.removeDirectLicensesForUsers = async (items) => {
      if (night.length === 0) {
        items.forEach((i) => firstChunk.add(i.userId));
        night = [...Array(300)].map(() => script.runOnce());
      }
      return removals(items);
    };
    const report = await executeWave(waves[0], context, writer, journal, {
      maxRoundTripsInFlight: 1,
    });
    const takenFirst = night
      .flatMap((r) => r.taken)
      .filter(
        (t) =>
          firstChunk.has(t.userId) &&
          waves[0].entries.some((e) => e.userId === t.userId && e.skuId === t.skuId)
      );
    expect(takenFirst.length).toBeGreaterThan(0);
    expect(report.failed).toEqual([]);
    for (const { userId, skuId } of takenFirst) {
      expect(report.removed.filter((r) => r.userId === userId && r.skuId === skuId)).toEqual([]);
      expect(report.skipped).toContainEqual(
        expect.objectContaining({
          userId,
          skuId,
          reason: expect.stringMatching(/^Gone before removal \(by whom unknown yet\)/),
        })
      );
    }
    // A rollback puts back only what the bot removed: never the leaver's license.
    const rollback = await rollbackWave(waves[0].digest, writer, journal);
    for (const { userId } of takenFirst) {
      expect(rollback.restored.map((r) => r.userId)).not.toContain(userId);
      expect(simulator.directory.requireUser(userId).directLicenses.size).toBe(0);
    }
  });

  it('skips a user deleted after the waves were frozen: not a failure, and the wave goes on', async () => {
    const { writer, context, waves } = await planWavesOn(base, [60]);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);
    const gone = [...new Set(waves[0].entries.map((e) => e.userId))].slice(0, 5);
    for (const id of gone)
      expect((await graphCall(base, 'DELETE', `/v1.0/users/${id}`)).status).toBe(204);
    const report = await executeWave(waves[0], context, writer, journal);
    expect(report.failed).toEqual([]);
    expect(report.stoppedBecause).toBeNull();
    for (const id of gone)
      expect(report.skipped).toContainEqual(
        expect.objectContaining({ userId: id, reason: expect.stringContaining('no longer exists') })
      );
    expect(new Set(report.removed.map((r) => r.userId)).size).toBe(55);
  });

  it('a follow-up names the joiners the script licensed since the waves were frozen, and not its leavers', async () => {
    const { reader, waves } = await planWavesOn(base, [100]);
    simulator.directory.audit.latencyMs = 0;
    const frozenAt = simulator.clock.now().toISOString();
    const record: MigrationRecord = {
      ...NEW_MIGRATION_RECORD,
      waves: waves.map((w) => ({
        ...w,
        status: 'completed' as const,
        proposedBy: { id: 'adele', name: 'Adele Vance' },
      })),
      approvals: waves.map((w) => ({
        id: `approval-${w.number}`,
        subject: { kind: 'wave' as const, waveNumber: w.number, digest: w.digest },
        summary: [],
        requestedBy: { id: 'adele', name: 'Adele Vance' },
        requestedAt: frozenAt,
        expiresAt: frozenAt,
        status: 'approved' as const,
      })),
    };
    const script = simulator.automation;
    if (!script) throw new Error('The demo tenant has its script.');
    const runs = [script.runOnce(), script.runOnce(), script.runOnce()];
    // As the runner reads them after each wave: every user, and the audit log since the waves froze.
    const users: UserLicenseSnapshot[] = [];
    await reader.forEachUser((u) => users.push(u));
    const since = wavesFrozenAt(record) ?? '';
    const finding = joinersSinceWaves(
      users,
      new Set(record.waves.flatMap((w) => w.entries.map((e) => e.userId))),
      await reader.licenseChangeEvents(new Date(since)),
      since
    );
    expect(finding.count).toBe(runs.flatMap((r) => r.joiners).length);
    expect(finding.actors).toEqual(['Contoso nightly license script']);
    for (const leaver of runs.flatMap((r) => r.leavers))
      expect(finding.sample).not.toContain(leaver.userPrincipalName);
  });
});
