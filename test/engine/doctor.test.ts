import { simulatorGraphClient } from '../support/simulator-graph-client';
import { SoleInstanceLease } from '../../src/engine/runner-lease';
import { runPreflight } from '../../src/engine/preflight';
import { READ_ONLY, type WriteFence } from '../../src/engine/write-fence';
import { preflightLineText } from '../../src/domain/preflight';
import { GraphPreflightProbe } from '../../src/graph/graph-preflight-probe';
import { BOT_PERMISSIONS } from '../../src/simulator/graph-permissions';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';

describe('doctor, through the simulator, with a token that lacks chosen permissions', () => {
  let simulator: TenantSimulator;
  let baseUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: buildDemoTenant(), throttling: false });
    baseUrl = await simulator.start();
    simulator.onRequest = (method, url) => requests.push(`${method} ${url}`);
  });
  afterAll(() => simulator.stop());
  beforeEach(() => {
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS);
    simulator.premiumTenant = true;
    requests.length = 0;
  });

  const doctor = (fence: WriteFence = new SoleInstanceLease()) => {
    const client = simulatorGraphClient(baseUrl, fence);
    return runPreflight({
      probe: new GraphPreflightProbe(client, baseUrl),
      adminGroupId: DEMO_ADMIN_GROUP_ID,
      approverGroupId: DEMO_APPROVER_GROUP_ID,
      channelIsSet: async () => true,
      probeStorage: async () => undefined,
    });
  };
  const revoke = (...permissions: string[]) => {
    simulator.grantedPermissions = new Set(BOT_PERMISSIONS.filter((p) => !permissions.includes(p)));
  };

  it('with every permission the README asks for: ready, and nothing in the tenant changed', async () => {
    const groupsBefore = simulator.directory.groups.size;
    const timelineBefore = simulator.directory.timeline.all().length;
    const report = await doctor();
    expect(report.missing).toEqual([]);
    expect(report.ready).toBe(true);
    expect(simulator.directory.groups.size).toBe(groupsBefore);
    expect(simulator.directory.timeline.all().length).toBe(timelineBefore);
    // No group is ever created to find out: Group.Create is said not to be checked.
    expect(requests.filter((r) => /^POST \/v1\.0\/groups\/?(\?|$)/.test(r))).toEqual([]);
    expect(report.lines.map(preflightLineText)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^– Group\.Create was not checked/)])
    );
  });

  it('names exactly the missing write permissions and the steps they block', async () => {
    revoke('LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All');
    const report = await doctor();
    expect(report.missing).toEqual([
      { permission: 'LicenseAssignment.ReadWrite.All', phases: ['assign', 'waves'] },
      { permission: 'User.ReadWrite.All', phases: ['reprocess'] },
    ]);
    expect(report.ready).toBe(false);
  });

  it('names a missing read permission, and the groups it then cannot read', async () => {
    revoke('GroupMember.Read.All', 'GroupMember.ReadWrite.All', 'Directory.Read.All');
    const report = await doctor();
    expect(report.missing.map((m) => m.permission)).toEqual([
      'GroupMember.Read.All',
      'GroupMember.ReadWrite.All',
      'Directory.Read.All',
    ]);
    const texts = report.lines.map(preflightLineText);
    expect(texts).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^✗ GroupMember\.Read\.All is missing \(Graph answered 403 Authorization_RequestDenied\)/
        ),
        expect.stringMatching(/^✗ The admin group .* could not be read/),
      ])
    );
  });

  it('tells a tenant without Entra ID P1/P2 from a missing audit permission', async () => {
    simulator.premiumTenant = false;
    const notPremium = await doctor();
    expect(notPremium.missing).toEqual([]);
    expect(notPremium.lines.map(preflightLineText)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^✗ The tenant has no Entra ID P1 or P2/)])
    );
    simulator.premiumTenant = true;
    revoke('AuditLog.Read.All');
    const noPermission = await doctor();
    expect(noPermission.missing).toEqual([{ permission: 'AuditLog.Read.All', phases: [] }]);
  });

  it('from a process that may not write (the command line), sends no write and says so', async () => {
    const report = await doctor(READ_ONLY);
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
    expect(report.lines.filter((l) => l.verdict === 'not-checked')).toHaveLength(4);
  });
});
