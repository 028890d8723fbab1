import { cheaperAuditRead } from '../../src/domain/audit-read-plan';
import { afterWaveEvents } from '../../src/engine/after-wave-events';
import { SoleInstanceLease } from '../../src/engine/runner-lease';
import { createGraphClient } from '../../src/graph/graph-client';
import { GraphTenantReader } from '../../src/graph/graph-tenant-reader';
import { DEVELOPMENT_APP, DEVELOPMENT_TOKEN } from '../../src/simulator/development-token';
import { LOOPBACK_CERTIFICATE_PATH } from '../../src/simulator/loopback-certificate';
import { generateTenant, parseGeneratorSpec } from '../../src/simulator/scenarios/generated-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import { OFFICE_E3 } from '../fixtures/skus';

const E3 = { skuId: OFFICE_E3, disabledPlans: [] };
const SCRIPT = { kind: 'app' as const, displayName: 'Contoso license script', appId: 'c0ffee' };
const BOT = { kind: 'app' as const, ...DEVELOPMENT_APP };

describe('the audit log after a wave', () => {
  let simulator: TenantSimulator;
  afterEach(async () => simulator?.stop());

  it('asks about the few users holding a direct license again, not for every page of the bot’s own removals', async () => {
    simulator = new TenantSimulator({
      tenant: generateTenant(parseGeneratorSpec('users=1200,seed=17')),
      auditLatencyMs: 0,
    });
    const base = await simulator.start();
    const since = new Date(simulator.directory.now().getTime() - 1000);
    const users = [...simulator.directory.users.values()];
    // The wave removed 1,200 direct assignments; the script put one back.
    for (const user of users) simulator.directory.recordUserLicenseChange(user, BOT, [E3], []);
    simulator.directory.recordUserLicenseChange(users[7], SCRIPT, [], [E3]);
    const client = createGraphClient(
      {
        baseUrl: base,
        credential: { kind: 'development-token', token: DEVELOPMENT_TOKEN },
        trustedCertificatePath: LOOPBACK_CERTIFICATE_PATH,
      },
      new SoleInstanceLease()
    );
    const reader = new GraphTenantReader(client, DEVELOPMENT_APP.appId);
    let reads = 0;
    simulator.onRequest = (_method, url) => void (/auditLogs/.test(url) && reads++);

    const events = await afterWaveEvents(reader, {
      userIds: [users[7].id],
      since,
      ownChangesSince: users.length,
    });
    expect(reads).toBe(1);
    expect(events).toEqual([
      expect.objectContaining({
        actor: SCRIPT.displayName,
        targetUserId: users[7].id.toLowerCase(),
      }),
    ]);

    // The whole log, when that is cheaper, keeps none of the bot's own 3,000 changes.
    const whole = await reader.licenseChangeEvents(since);
    expect(whole.map((e) => e.actor)).toEqual([SCRIPT.displayName]);
  });

  it('reads the whole log when there are more users in hand than its pages', () => {
    expect(cheaperAuditRead(3, 10_000)).toBe('about-users');
    expect(cheaperAuditRead(11, 10_000)).toBe('about-users');
    expect(cheaperAuditRead(12, 10_000)).toBe('whole-log');
    expect(cheaperAuditRead(0, 0)).toBe('about-users');
  });
});
