import { simulatorGraphClient } from '../support/simulator-graph-client';
import { GraphDirectoryWriter } from '../../src/graph/graph-directory-writer';
import { GraphGroupWriter } from '../../src/graph/graph-group-writer';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { executeWave } from '../../src/engine/execute-wave';
import { planGroups } from '../../src/engine/plan-groups';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { waitForProcessing } from '../../src/engine/wait-for-processing';
import { takeInventory } from '../../src/engine/take-inventory';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import { splitCandidatesIntoWaves } from '../../src/domain/wave-candidates';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { DEMO_AUTOMATION, buildDemoTenant } from '../../src/simulator/scenarios/demo-tenant';
import { buildDoneReport } from '../../src/engine/done-report';
import { approve } from '../support/wave-harness';

describe("the demo tenant's whole migration through the engine", () => {
  it('plans, populates and assigns groups, verifies, removes every direct assignment in approved waves, and nobody loses anything', async () => {
    const simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      timings: { queuedMs: 50, usersPerSecond: 50_000 },
    });
    const baseUrl = await simulator.start();
    try {
      const client = simulatorGraphClient(baseUrl);
      const reader = new GraphTenantReader(client);
      const groupWriter = new GraphGroupWriter(client, baseUrl);
      const writer = new GraphDirectoryWriter(client, baseUrl);

      const plan = await planGroups(reader);
      expect(plan.groups.map((g) => [g.displayName, g.userIds.length])).toEqual([
        ['LIC Office 365 E3', 200],
        ['LIC Enterprise Mobility + Security E3', 1000],
      ]);

      const groupsBefore = simulator.directory.groups.size;
      const dryRun = await populateAndAssign(plan, groupWriter, { dryRun: true });
      expect(dryRun.groups.every((g) => g.created && g.licenseAssigned)).toBe(true);
      expect(simulator.directory.groups.size).toBe(groupsBefore);

      const assignedSince = new Date(Date.now() - 1_000);
      const populated = await populateAndAssign(plan, groupWriter);
      expect(populated.failures).toEqual([]);
      const groupIds = populated.groups.map((g) => g.groupId ?? '');
      const processed = await waitForProcessing(groupIds, groupWriter, {
        pollMs: 50,
        auditEveryMs: 0,
        timeoutMs: 20_000,
        assignedSince,
        assigned: populated.groups.filter((g) => g.licenseAssigned).map((g) => g.groupId ?? ''),
      });
      // The audit log is minutes late: the members' license states are what showed processing done.
      expect(processed).toMatchObject({
        complete: true,
        pending: [],
        confirmedBy: 'license states',
      });

      const verified = await verifyDirectRemovals(reader);
      expect(verified.keptExamples).toEqual([]);
      expect(verified.kept).toBe(0);
      expect(verified.candidates).toHaveLength(1200);

      const journal = new InMemoryJournal();
      let removed = 0;
      for (const wave of splitCandidatesIntoWaves(verified.candidates, [25, 'rest'])) {
        await approve(journal, wave);
        const report = await executeWave(
          wave,
          {
            skus: new Map((await reader.subscribedSkus()).map((s) => [s.skuId, s])),
            groupNames: await reader.licensingGroupNames(),
          },
          writer,
          journal
        );
        expect(report.stoppedBecause).toBeNull();
        expect(report.failed).toEqual([]);
        removed += report.counts.removed;
      }
      expect(removed).toBe(1200);

      const inventory = await takeInventory(reader);
      expect(
        inventory.skus.map((s) => [
          s.skuPartNumber,
          s.directOnly,
          s.both,
          s.inheritedOnly,
          s.consumedUnits,
        ])
      ).toEqual([
        ['EMS', 0, 0, 1000, 1000],
        ['ENTERPRISEPACK', 0, 0, 200, 200],
      ]);
      expect(simulator.directory.timeline.losses(simulator.directory.skus)).toEqual([]);

      // The old nightly script, still running, assigns one migrated user directly again.
      await new Promise((resolve) => setTimeout(resolve, 5));
      const [someone] = verified.candidates.entries(0, 1);
      const user = simulator.directory.users.get(someone.userId)!;
      const before = simulator.directory.assignedLicenses(user);
      simulator.directory.assignUserLicenses(
        user,
        [{ skuId: someone.skuId, disabledPlans: [] }],
        []
      );
      simulator.directory.recordUserLicenseChange(
        user,
        { kind: 'app', displayName: DEMO_AUTOMATION.displayName, appId: DEMO_AUTOMATION.appId },
        before,
        simulator.directory.assignedLicenses(user)
      );
      // The license states show it at once; the audit log, minutes late, cannot name who did it yet.
      const early = await buildDoneReport(reader, journal);
      expect(early.reassigned).toEqual([
        expect.objectContaining({ userId: someone.userId, skuId: someone.skuId, actor: null }),
      ]);
      simulator.directory.audit.latencyMs = 0; // the audit entries arrive
      const done = await buildDoneReport(reader, journal);
      expect(done.waves.map((w) => [w.waveNumber, w.removed, w.skipped, w.restored])).toEqual([
        [1, 46, 0, 0], // 25 users, 21 of them with both SKUs
        [2, 1154, 0, 0],
      ]);
      expect(done.reassigned).toEqual([
        expect.objectContaining({
          userId: someone.userId,
          skuId: someone.skuId,
          actor: DEMO_AUTOMATION.displayName,
        }),
      ]);
    } finally {
      await simulator.stop();
    }
  }, 60_000);
});
