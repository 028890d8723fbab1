import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BOT_PERMISSIONS } from '../../src/simulator/graph-permissions';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_APPROVER_GROUP_ID,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { TenantSimulator } from '../../src/simulator/simulator-server';

const CLI = join(__dirname, '..', '..', 'lib', 'cli', 'cli.js');

/** The built CLI as its own process (the simulator answers from this one). */
function cli(
  env: Record<string, string>,
  ...args: string[]
): Promise<{ status: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 30_000, env: { PATH: process.env.PATH, ...env } },
      (error, stdout) =>
        resolve({ status: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout })
    );
  });
}

describe('npm run cli -- doctor', () => {
  let simulator: TenantSimulator;
  let graphUrl: string;

  beforeAll(async () => {
    simulator = new TenantSimulator({
      tenant: buildDemoTenant(),
      grantedPermissions: BOT_PERMISSIONS.filter((p) => p !== 'AuditLog.Read.All'),
    });
    graphUrl = await simulator.start();
  });
  afterAll(() => simulator.stop());

  it('says one line per check, names the missing permission, and never writes', async () => {
    const methods: string[] = [];
    simulator.onRequest = (method) => methods.push(method);
    const result = await cli(
      { ADMIN_GROUP_ID: DEMO_ADMIN_GROUP_ID, APPROVER_GROUP_ID: DEMO_APPROVER_GROUP_ID },
      'doctor',
      '--graph-url',
      graphUrl
    );
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[0]).toMatch(/^✓ LicenseAssignment\.Read\.All, or a higher permission, is granted/);
    expect(result.stdout).toMatch(
      /^✗ The audit log cannot be read: AuditLog\.Read\.All is missing/m
    );
    expect(result.stdout).toMatch(/^– GroupMember\.ReadWrite\.All was not checked/m);
    expect(result.stdout).toMatch(/^✓ The admin group .* exists and has members\.$/m);
    expect(result.stdout).toMatch(/^– The bot's storage was not checked/m);
    expect(new Set(methods)).toEqual(new Set(['GET']));
  });
});
