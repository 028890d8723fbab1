import { join } from 'node:path';
import { executeWave } from '../../src/engine/execute-wave';
import { loadTenant } from '../../src/simulator/load-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { InMemoryJournal } from '../../src/storage/in-memory-journal';
import { graphCall } from '../support/graph-http';
import { processingSettled } from '../support/processing';
import { approve, planWavesOn } from '../support/wave-harness';

const FIXTURE = join(__dirname, '..', 'fixtures', 'license-states-tenant.json');
const SKU_A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const SKU_VISIO = 'dddddddd-0000-4000-8000-00000000000d';
const GROUP_A = 'a0a0a0a0-0000-4000-8000-0000000000a0';

/**
 * Between sign-off and the wave, a group license turns ActiveWithError for one member (the group now
 * enables a mailbox that conflicts with their kiosk mailbox) and Disabled for another (the Visio
 * subscription is suspended). The wave removes only what a group still covers, and says why it skips.
 */
describe('a wave over group licenses that are ActiveWithError or Disabled for some members', () => {
  let simulator: TenantSimulator;
  let base: string;

  beforeEach(async () => {
    simulator = new TenantSimulator({
      tenant: loadTenant(FIXTURE),
      timings: { queuedMs: 10, usersPerSecond: 100000 },
    });
    base = await simulator.start();
  });
  afterEach(async () => {
    await simulator.stop();
  });

  it('skips those members with the state, the error and the fix, and removes the rest', async () => {
    const { writer, context, waves } = await planWavesOn(base, ['rest']);
    expect(waves[0].entries.map((e) => e.userId).sort()).toEqual(['kiosk', 'plain', 'visio']);
    const journal = new InMemoryJournal();
    await approve(journal, waves[0]);

    await graphCall(base, 'POST', `/v1.0/groups/${GROUP_A}/assignLicense`, {
      addLicenses: [{ skuId: SKU_A, disabledPlans: [] }],
      removeLicenses: [],
    });
    await processingSettled(simulator);
    simulator.directory.setSubscriptionStatus(SKU_VISIO, 'Suspended');

    const report = await executeWave(waves[0], context, writer, journal);
    expect(report.removed.map((r) => r.userId)).toEqual(['plain']);
    const reasons = new Map(report.skipped.map((s) => [s.userId, s.reason]));
    expect([...reasons.keys()].sort()).toEqual(['kiosk', 'visio']);
    expect(reasons.get('kiosk')).toMatch(/LIC-A is ActiveWithError \(MutuallyExclusiveViolation\)/);
    expect(reasons.get('kiosk')).toMatch(/still applied/);
    expect(reasons.get('visio')).toMatch(/LIC-VISIO is Disabled/);
    expect(reasons.get('visio')).toMatch(/subscription is suspended or locked out/);
    // Both keep their direct assignments.
    expect(simulator.directory.findUser('kiosk')?.directLicenses.has(SKU_A)).toBe(true);
    expect(simulator.directory.findUser('visio')?.directLicenses.has(SKU_VISIO)).toBe(true);
  });
});
