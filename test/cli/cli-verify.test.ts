import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { TenantSimulator } from '../../src/simulator/simulator-server';
import {
  buildTrickyTenant,
  trickyUserId,
  type TrickyCase,
} from '../../src/simulator/scenarios/tricky-tenant';
import { OFFICE_E3 as E3 } from '../fixtures/skus';

const CLI = join(__dirname, '..', '..', 'lib', 'cli', 'cli.js');

/** Runs the CLI as a separate process (asynchronously: the simulator answers from this one). */
function cli(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { timeout: 30_000, env: { PATH: process.env.PATH } },
      (error, stdout, stderr) => {
        resolve({
          status: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        });
      }
    );
  });
}

describe('npm run cli -- verify', () => {
  let simulator: TenantSimulator;
  let graphUrl: string;

  beforeAll(async () => {
    simulator = new TenantSimulator({ tenant: buildTrickyTenant() });
    graphUrl = await simulator.start();
  });
  afterAll(async () => {
    await simulator.stop();
  });

  it('prints one JSON object with a row per user and direct SKU: remove, or skip with a reason', async () => {
    const result = await cli('verify', '--graph-url', graphUrl, '--json');
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as {
      users: {
        id: string;
        userPrincipalName: string;
        skuId: string;
        decision: string;
        reason: string;
      }[];
    };
    for (const row of report.users) {
      expect(Object.keys(row).sort()).toEqual([
        'decision',
        'id',
        'reason',
        'skuId',
        'userPrincipalName',
      ]);
      expect(['remove', 'skip']).toContain(row.decision);
      expect(row.reason.length).toBeGreaterThan(20);
    }
    const e3 = (trickyCase: TrickyCase) =>
      report.users.find((r) => r.id === trickyUserId(trickyCase) && r.skuId === E3);
    expect(e3('both-same-plans')?.decision).toBe('remove');
    expect(e3('two-groups-union-of-plans')?.decision).toBe('remove');
    expect(e3('direct-disables-more-than-group')?.decision).toBe('remove');
    expect(e3('direct-enables-plan-group-disables')).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('YAMMER_ENTERPRISE'),
    });
    expect(e3('nested-group-only')).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('No group gives'),
    });
    // Disabled or not, its direct E3 enables Yammer, which its group disables: it stays.
    expect(e3('disabled-account')).toMatchObject({
      decision: 'skip',
      reason: expect.stringContaining('YAMMER_ENTERPRISE'),
    });
    expect(e3('conflicting-exchange-plans')).toBeUndefined();
    // A license held only through a group is not a direct assignment: no row.
    expect(report.users.some((r) => r.id === trickyUserId('inherited-only'))).toBe(false);
  });

  it('plans the groups as JSON: one per SKU and set of disabled plans, reusing matching groups, with warnings', async () => {
    const result = await cli('plan', '--graph-url', graphUrl, '--json');
    expect(result.status).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      groups: { displayName: string; existingGroupId: string | null; users: number }[];
      warnings: string[];
      rules: {
        variants: { variant: number; candidates: unknown[]; noRuleReason: string | null }[];
      };
    };
    // Each variant, numbered as the groups are, offers a dynamic rule or says why its static group stays.
    expect(plan.rules.variants.map((v) => v.variant)).toEqual(plan.groups.map((_, i) => i + 1));
    for (const variant of plan.rules.variants)
      expect(variant.candidates.length > 0 || variant.noRuleReason !== null).toBe(true);
    expect(
      plan.groups.find((g) => g.displayName === 'LIC-E3 (no Yammer)')?.existingGroupId
    ).not.toBeNull();
    expect(plan.groups.filter((g) => g.displayName.startsWith('LIC Office 365 E3'))).toHaveLength(
      2
    );
    expect(plan.warnings.some((w) => w.includes('nested group'))).toBe(true);
  });

  it('lists group members in license error with the cause and the fix', async () => {
    const result = await cli('errors', '--graph-url', graphUrl, '--json');
    expect(result.status).toBe(0);
    const { errors } = JSON.parse(result.stdout) as {
      errors: { userId: string; error: string; fix: string }[];
    };
    const byUser = (trickyCase: TrickyCase) =>
      errors.filter((e) => e.userId === trickyUserId(trickyCase)).map((e) => e.error);
    expect(byUser('group-license-in-error-count')).toEqual(['CountViolation']);
    expect(byUser('conflicting-exchange-plans')).toEqual(['MutuallyExclusiveViolation']);
    expect(byUser('usage-location-forbids-plan')).toEqual(['ProhibitedInUsageLocationViolation']);
    expect(errors.every((e) => e.fix.includes('reprocess'))).toBe(true);
  });

  it('proposes waves with their digests, and writes the report as CSV', async () => {
    const waves = await cli('waves', '--graph-url', graphUrl, '--sizes', '1,rest', '--json');
    expect(waves.status).toBe(0);
    const proposed = JSON.parse(waves.stdout) as {
      waves: { number: number; users: number; digest: string }[];
    };
    expect(proposed.waves.map((w) => w.users)).toEqual([1, 2]);
    expect(proposed.waves[0].digest).toMatch(/^[0-9a-f]{64}$/);
    const badSizes = await cli('waves', '--graph-url', graphUrl, '--sizes', 'rest,5');
    expect(badSizes.status).toBe(2);
    expect(badSizes.stderr).toContain('"rest" can only be the last wave');
    const report = await cli('report', '--graph-url', graphUrl);
    expect(report.stdout.split('\n')[0]).toBe('id,userPrincipalName,skuId,decision,reason');
  });

  it('changes nothing', async () => {
    const before = JSON.stringify(
      [...simulator.directory.users.values()].map((u) => [...u.directLicenses.keys()])
    );
    expect((await cli('verify', '--graph-url', graphUrl)).status).toBe(0);
    expect(
      JSON.stringify(
        [...simulator.directory.users.values()].map((u) => [...u.directLicenses.keys()])
      )
    ).toBe(before);
  });

  it.each([
    [['verify'], 2, /--graph-url \(or GRAPH_BASE_URL\) is required/],
    [['verify', '--graph-url', 'http://127.0.0.1:1'], 2, /must use https/],
    [['remove'], 2, /Unknown command "remove"/],
    [['verify', '--graph-url', 'https://127.0.0.1:1', '--loud'], 2, /Unknown option "--loud"/],
    [
      ['waves', '--graph-url', 'https://127.0.0.1:1', '--sizes', 'rest,5'],
      2,
      /"rest" can only be the last wave/,
    ],
    [
      ['plan', '--graph-url', 'https://127.0.0.1:1', '--json', '--csv'],
      2,
      /Choose one of --json and --csv/,
    ],
    [
      ['verify', '--graph-url', 'https://127.0.0.1:1'],
      1,
      /Could not read the tenant from Microsoft Graph/,
    ],
  ])('refuses %j with exit code %d and a clear message', async (args, status, message) => {
    const result = await cli(...args);
    expect(result.status).toBe(status);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
