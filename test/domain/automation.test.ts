import { describeAutomation, findLicenseAutomation } from '../../src/domain/automation';
import { takeInventory } from '../../src/engine/take-inventory';
import type { TenantReader } from '../../src/engine/tenant-reader';

const event = (at: string, actor: string, actorKind: 'app' | 'user' = 'app') => ({
  at,
  actor,
  actorKind,
});

describe('finding the existing license automation in the audit log', () => {
  it('names who assigns licenses directly, how often and when last, leaving out group-based licensing', () => {
    const findings = findLicenseAutomation([
      event('2026-11-01T02:00:00Z', 'Nightly script'),
      event('2026-11-01T02:00:05Z', 'Nightly script'),
      event('2026-11-02T02:00:00Z', 'Nightly script'),
      event('2026-11-03T02:00:00Z', 'Nightly script'),
      event('2026-11-03T09:00:00Z', 'Microsoft Azure AD Group-Based Licensing'),
      event('2026-11-02T10:00:00Z', 'admin@contoso.example', 'user'),
    ]);
    expect(findings.map((f) => [f.actor, f.changes, f.daysActive, f.everyDays])).toEqual([
      ['Nightly script', 4, 3, 1],
      ['admin@contoso.example', 1, 1, null],
    ]);
    expect(describeAutomation(findings[0])).toBe(
      'Nightly script assigned licenses directly 4 times on 3 day(s), about daily, last 2026-11-03: keep it running until the removal waves are done.'
    );
  });

  it("leaves out group-based licensing under today's name and older ones, and the bot's own changes", () => {
    const findings = findLicenseAutomation([
      event('2026-11-01T02:00:00Z', 'Nightly script'),
      event('2026-11-03T09:00:00Z', 'Microsoft Entra group-Based Licensing'),
      event('2026-11-03T09:00:00Z', 'Microsoft Entra ID Group-Based Licensing'),
      event('2026-11-03T09:00:00Z', 'Microsoft Azure AD Group-Based Licensing'),
      { ...event('2026-11-04T09:00:00Z', 'License migration bot'), byThisApp: true },
    ]);
    expect(findings.map((f) => f.actor)).toEqual(['Nightly script']);
  });

  it('measures a weekly rhythm as about every 7 days', () => {
    const weekly = ['2026-10-01', '2026-10-08', '2026-10-15', '2026-10-22'].map((d) =>
      event(`${d}T01:00:00Z`, 'Weekly job')
    );
    expect(findLicenseAutomation(weekly)[0].everyDays).toBe(7);
  });

  it('still takes the inventory when the audit log cannot be read, and says why', async () => {
    const reader: Pick<TenantReader, 'subscribedSkus' | 'forEachUser' | 'licenseChangeEvents'> = {
      subscribedSkus: async () => [],
      forEachUser: async () => undefined,
      licenseChangeEvents: async () => {
        throw new Error('Insufficient privileges to complete the operation.');
      },
    };
    const report = await takeInventory(reader as TenantReader);
    expect(report.automation).toEqual([]);
    expect(report.auditLogProblem).toContain('grant AuditLog.Read.All');
  });
});
