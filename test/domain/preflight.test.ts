import {
  AUDIT_NOT_PREMIUM,
  AUDIT_NO_DIRECTORY_READ,
  AUDIT_PERMISSION_MISSING,
  evaluatePreflight,
  preflightLineText,
  type PreflightFindings,
  type ProbeId,
} from '../../src/domain/preflight';

const ADMINS = 'c083ef65-7192-43a4-9fb0-6b7c8d9eafb5';
const APPROVERS = 'd194f076-82a3-44b5-80c1-7c8d9eafb0c6';
const granted = { kind: 'granted' } as const;
const denied = { kind: 'denied', code: 'Authorization_RequestDenied' } as const;

const allGranted: Record<ProbeId, typeof granted> = {
  skus: granted,
  users: granted,
  groups: granted,
  memberWrite: granted,
  licenseWrite: granted,
  userWrite: granted,
};

const healthy: PreflightFindings = {
  permissions: allGranted,
  auditLog: granted,
  adminGroup: { kind: 'found', id: ADMINS, hasMembers: true },
  approverGroup: { kind: 'found', id: APPROVERS, hasMembers: true },
  channel: { kind: 'ok' },
  storage: { kind: 'ok' },
};

/** A finding changed from the healthy tenant, and what doctor must then say. */
const cases: [string, Partial<PreflightFindings>, RegExp, string[]][] = [
  ['a healthy tenant', {}, /^✓ The bot's storage takes a write/, []],
  [
    'users cannot be read',
    { permissions: { ...allGranted, users: denied } },
    /^✗ User\.Read\.All is missing .*`inventory`, `plan`, `verify`, `waves`, `sign-offs` cannot run\. To fix, grant it/,
    ['User.Read.All'],
  ],
  [
    'groups cannot be read',
    { permissions: { ...allGranted, groups: denied } },
    /^✗ GroupMember\.Read\.All is missing/,
    ['GroupMember.Read.All'],
  ],
  [
    'licenses cannot be written',
    { permissions: { ...allGranted, licenseWrite: denied } },
    /^✗ LicenseAssignment\.ReadWrite\.All is missing .*`assign`, `waves` cannot run/,
    ['LicenseAssignment.ReadWrite.All'],
  ],
  [
    'reprocessing is not allowed',
    { permissions: { ...allGranted, userWrite: denied } },
    /^✗ User\.ReadWrite\.All is missing .*`reprocess` cannot run/,
    ['User.ReadWrite.All'],
  ],
  [
    'the command line may not write',
    {
      permissions: {
        ...allGranted,
        memberWrite: { kind: 'unchecked', why: 'the command line never writes' },
      },
    },
    /^– GroupMember\.ReadWrite\.All was not checked: the command line never writes/,
    [],
  ],
  [
    'the audit log permission is missing',
    { auditLog: { kind: 'denied', code: AUDIT_PERMISSION_MISSING } },
    /^✗ The audit log cannot be read: AuditLog\.Read\.All is missing/,
    ['AuditLog.Read.All'],
  ],
  [
    'directory read access for the audit log is missing',
    { auditLog: { kind: 'denied', code: AUDIT_NO_DIRECTORY_READ } },
    /^✗ The audit log cannot be read: Directory\.Read\.All is missing/,
    ['Directory.Read.All'],
  ],
  [
    'the tenant has no Entra ID P1/P2',
    { auditLog: { kind: 'not-premium' } },
    /^✗ The tenant has no Entra ID P1 or P2, so Graph serves no audit log, whatever is granted/,
    [],
  ],
  [
    'the admin group is not set',
    { adminGroup: { kind: 'unset' } },
    /^✗ ADMIN_GROUP_ID is not set, so nobody may run commands that change something/,
    [],
  ],
  [
    'the approver group does not exist',
    { approverGroup: { kind: 'not-found', id: APPROVERS } },
    /^✗ The approver group d194f076-.* does not exist in the directory, so nobody can sign off/,
    [],
  ],
  [
    'the approver group is empty',
    { approverGroup: { kind: 'found', id: APPROVERS, hasMembers: false } },
    /^✗ The approver group d194f076-.* has no members, so nobody can sign off\. Add the approvers to it\./,
    [],
  ],
  [
    'admins and approvers are one group',
    { approverGroup: { kind: 'found', id: ADMINS.toUpperCase(), hasMembers: true } },
    /^✗ The admin and approver groups are the same group/,
    [],
  ],
  [
    'no notification channel',
    { channel: { kind: 'missing' } },
    /^✗ No notification channel is set.*Say `notify here`/,
    [],
  ],
  [
    'storage refuses the test write',
    { storage: { kind: 'failed', reason: '403 AuthorizationPermissionMismatch' } },
    /^✗ The bot's storage did not take a small test write \(403 AuthorizationPermissionMismatch\)\. Check STORAGE_CONNECTION_STRING/,
    [],
  ],
];

describe('doctor judges what the probes found', () => {
  it.each(cases)('%s', (_name, change, line, missing) => {
    const report = evaluatePreflight({ ...healthy, ...change });
    const texts = report.lines.map(preflightLineText);
    expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(line)]));
    expect(report.missing.map((m) => m.permission)).toEqual(missing);
    expect(report.ready).toBe(!texts.some((t) => t.startsWith('✗')));
  });

  it('says that Group.Create cannot be checked without creating a group', () => {
    const texts = evaluatePreflight(healthy).lines.map(preflightLineText);
    expect(texts).toContain(
      '– Group.Create was not checked: no call can show it without changing the tenant; grant it before `assign`. It is needed to create the licensing groups (`assign`).'
    );
  });

  it('gives one line per check, every one a sentence', () => {
    const report = evaluatePreflight(healthy);
    // 7 permissions, the audit log, two groups, the channel, the storage.
    expect(report.lines).toHaveLength(12);
    expect(report.ready).toBe(true);
    for (const line of report.lines) expect(line.text).toMatch(/^[A-Z].*\.$/);
  });

  it('the tenant without P1/P2 is told apart from a missing permission', () => {
    const notPremium = evaluatePreflight({ ...healthy, auditLog: { kind: 'not-premium' } });
    const noPermission = evaluatePreflight({
      ...healthy,
      auditLog: { kind: 'denied', code: AUDIT_PERMISSION_MISSING },
    });
    expect(notPremium.missing).toEqual([]);
    expect(noPermission.missing.map((m) => m.permission)).toEqual(['AuditLog.Read.All']);
    expect(AUDIT_NOT_PREMIUM).toBe('Authentication_RequestFromNonPremiumTenantOrB2CTenant');
  });
});
