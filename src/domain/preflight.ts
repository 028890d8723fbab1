/**
 * `doctor`: what the bot needs before anything changes, judged from what the probes found. Pure: the
 * probes (src/engine/preflight.ts) do the calls; this says, one line per check, what is right and what
 * to fix.
 */

/** The harmless call that shows whether a permission is granted (src/graph/graph-preflight-probe.ts). */
export type ProbeId = 'skus' | 'users' | 'groups' | 'memberWrite' | 'licenseWrite' | 'userWrite';

export type ProbeOutcome =
  | { readonly kind: 'granted' }
  /** Graph answered 403 with this error code. */
  | { readonly kind: 'denied'; readonly code: string }
  /** Not asked: no harmless call exists, or this process may not write. */
  | { readonly kind: 'unchecked'; readonly why: string }
  /** Anything else (network, 5xx): said as it is. */
  | { readonly kind: 'failed'; readonly reason: string };

/** The steps of a migration a permission can block. */
export type Phase =
  'inventory' | 'plan' | 'verify' | 'errors' | 'assign' | 'waves' | 'sign-offs' | 'reprocess';

export interface PermissionNeed {
  readonly permission: string;
  /** What the bot does with it, for the line that asks for it. */
  readonly reason: string;
  readonly phases: readonly Phase[];
  /** null: no call can show it without changing something. */
  readonly probe: ProbeId | null;
}

/** The README's permission table, least privileged first; each permission for one reason. */
export const PERMISSION_NEEDS: readonly PermissionNeed[] = [
  {
    permission: 'LicenseAssignment.Read.All',
    reason: 'to read the subscribed licenses and their seats',
    phases: ['inventory', 'plan', 'assign'],
    probe: 'skus',
  },
  {
    permission: 'User.Read.All',
    reason: "to read every user's licenses and where each comes from",
    phases: ['inventory', 'plan', 'verify', 'waves', 'sign-offs'],
    probe: 'users',
  },
  {
    permission: 'GroupMember.Read.All',
    reason: 'to read groups, their members and license errors, and to check who may sign off',
    phases: ['plan', 'verify', 'errors', 'assign', 'waves', 'sign-offs'],
    probe: 'groups',
  },
  {
    permission: 'Group.Create',
    reason: 'to create the licensing groups',
    phases: ['assign'],
    probe: null,
  },
  {
    permission: 'GroupMember.ReadWrite.All',
    reason: 'to add users to the licensing groups',
    phases: ['assign'],
    probe: 'memberWrite',
  },
  {
    permission: 'LicenseAssignment.ReadWrite.All',
    reason: 'to assign licenses to the groups and remove (or give back) direct assignments',
    phases: ['assign', 'waves'],
    probe: 'licenseWrite',
  },
  {
    permission: 'User.ReadWrite.All',
    reason: "to have Entra ID process a user's group licenses again",
    phases: ['reprocess'],
    probe: 'userWrite',
  },
];

/** The audit log, read in its own way: its 403s say which of three things is missing. */
export type AuditProbeOutcome = ProbeOutcome | { readonly kind: 'not-premium' };

export type GroupProbe =
  | { readonly kind: 'unset' }
  | { readonly kind: 'found'; readonly id: string; readonly hasMembers: boolean }
  | { readonly kind: 'not-found'; readonly id: string }
  | { readonly kind: 'failed'; readonly id: string; readonly reason: string };

export type SettingProbe =
  | { readonly kind: 'ok' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly reason: string }
  /** Not this process's to check (the command line has no channel or storage of the bot's). */
  | { readonly kind: 'not-checked'; readonly why: string };

export interface PreflightFindings {
  readonly permissions: Readonly<Record<ProbeId, ProbeOutcome>>;
  readonly auditLog: AuditProbeOutcome;
  readonly adminGroup: GroupProbe;
  readonly approverGroup: GroupProbe;
  readonly channel: SettingProbe;
  readonly storage: SettingProbe;
}

export type Verdict = 'ok' | 'fix' | 'not-checked';

export interface PreflightLine {
  readonly verdict: Verdict;
  /** One or two sentences: what stands, and if it is wrong, what to do. */
  readonly text: string;
}

export interface PreflightReport {
  readonly lines: readonly PreflightLine[];
  /** Permissions Graph refused, with the steps each blocks. */
  readonly missing: readonly { readonly permission: string; readonly phases: readonly Phase[] }[];
  /** Nothing to fix (lines not checked aside). */
  readonly ready: boolean;
}

/** The codes the audit log (an identity and access report) answers 403 with, and what each means. */
export const AUDIT_PERMISSION_MISSING = 'Authentication_MSGraphPermissionMissing';
export const AUDIT_NO_DIRECTORY_READ = 'Authentication_ApplicationHasNoDirectoryReadAccess';
export const AUDIT_NOT_PREMIUM = 'Authentication_RequestFromNonPremiumTenantOrB2CTenant';

const GRANT =
  'grant it as an application permission of Microsoft Graph to the bot’s identity, then grant admin consent';

export function evaluatePreflight(findings: PreflightFindings): PreflightReport {
  const lines: PreflightLine[] = [];
  const missing: { permission: string; phases: readonly Phase[] }[] = [];
  for (const need of PERMISSION_NEEDS) {
    const outcome: ProbeOutcome = need.probe
      ? findings.permissions[need.probe]
      : {
          kind: 'unchecked',
          why: 'no call can show it without changing the tenant; grant it before `assign`',
        };
    const blocks = need.phases.map((p) => `\`${p}\``).join(', ');
    if (outcome.kind === 'granted')
      lines.push({
        verdict: 'ok',
        // A higher permission (Directory.Read.All, say) passes the same call.
        text: `${need.permission}, or a higher permission, is granted (${need.reason}).`,
      });
    else if (outcome.kind === 'denied') {
      missing.push({ permission: need.permission, phases: need.phases });
      lines.push({
        verdict: 'fix',
        text: `${need.permission} is missing (Graph answered 403 ${outcome.code}): it is needed ${need.reason}, so ${blocks} cannot run. To fix, ${GRANT}.`,
      });
    } else if (outcome.kind === 'unchecked')
      lines.push({
        verdict: 'not-checked',
        text: `${need.permission} was not checked: ${outcome.why}. It is needed ${need.reason} (${blocks}).`,
      });
    else
      lines.push({
        verdict: 'fix',
        text: `${need.permission} could not be checked (${outcome.reason}); ask \`doctor\` again, and if it persists check Graph's service health.`,
      });
  }
  lines.push(auditLine(findings.auditLog, missing));
  lines.push(groupLine('admin', 'ADMIN_GROUP_ID', findings.adminGroup));
  lines.push(groupLine('approver', 'APPROVER_GROUP_ID', findings.approverGroup));
  const { adminGroup, approverGroup } = findings;
  if (
    'id' in adminGroup &&
    'id' in approverGroup &&
    adminGroup.id.toLowerCase() === approverGroup.id.toLowerCase()
  )
    lines.push({
      verdict: 'fix',
      text: 'The admin and approver groups are the same group, so whoever asks could also sign off. Set APPROVER_GROUP_ID to a different group.',
    });
  lines.push(channelLine(findings.channel));
  lines.push(storageLine(findings.storage));
  return { lines, missing, ready: lines.every((line) => line.verdict !== 'fix') };
}

function auditLine(
  outcome: AuditProbeOutcome,
  missing: { permission: string; phases: readonly Phase[] }[]
): PreflightLine {
  const without =
    'Without it the bot cannot name the existing automation, and waits on per-user license states alone (it is optional).';
  if (outcome.kind === 'granted')
    return {
      verdict: 'ok',
      text: 'The audit log can be read (AuditLog.Read.All and Directory.Read.All, Entra ID P1 or P2).',
    };
  if (outcome.kind === 'not-premium')
    return {
      verdict: 'fix',
      text: `The tenant has no Entra ID P1 or P2, so Graph serves no audit log, whatever is granted. ${without}`,
    };
  if (outcome.kind === 'denied') {
    const permission =
      outcome.code === AUDIT_NO_DIRECTORY_READ ? 'Directory.Read.All' : 'AuditLog.Read.All';
    missing.push({ permission, phases: [] });
    return {
      verdict: 'fix',
      text: `The audit log cannot be read: ${permission} is missing (Graph answered 403 ${outcome.code}). ${without} To read it, ${GRANT}.`,
    };
  }
  if (outcome.kind === 'unchecked')
    return { verdict: 'not-checked', text: `The audit log was not checked: ${outcome.why}.` };
  return {
    verdict: 'fix',
    text: `The audit log could not be read (${outcome.reason}); ask \`doctor\` again later. ${without}`,
  };
}

function groupLine(role: 'admin' | 'approver', setting: string, probe: GroupProbe): PreflightLine {
  const who =
    role === 'admin' ? 'nobody may run commands that change something' : 'nobody can sign off';
  const them = role === 'admin' ? 'the migration admins' : 'the approvers';
  if (probe.kind === 'unset')
    return {
      verdict: 'fix',
      text: `${setting} is not set, so ${who}. Set it to the object id of the Entra group of ${them}.`,
    };
  if (probe.kind === 'not-found')
    return {
      verdict: 'fix',
      text: `The ${role} group ${probe.id} (${setting}) does not exist in the directory, so ${who}. Set ${setting} to an existing group's object id.`,
    };
  if (probe.kind === 'failed')
    return {
      verdict: 'fix',
      text: `The ${role} group ${probe.id} (${setting}) could not be read (${probe.reason}).`,
    };
  if (!probe.hasMembers)
    return {
      verdict: 'fix',
      text: `The ${role} group ${probe.id} has no members, so ${who}. Add ${them} to it.`,
    };
  return { verdict: 'ok', text: `The ${role} group ${probe.id} exists and has members.` };
}

function channelLine(probe: SettingProbe): PreflightLine {
  if (probe.kind === 'ok')
    return { verdict: 'ok', text: 'A notification channel is set: sign-off cards go there.' };
  if (probe.kind === 'missing')
    return {
      verdict: 'fix',
      text: 'No notification channel is set, so approvers would not see sign-off cards. Say `notify here` in the channel they read, before `assign` or `waves`.',
    };
  if (probe.kind === 'not-checked')
    return {
      verdict: 'not-checked',
      text: `The notification channel was not checked: ${probe.why}.`,
    };
  return {
    verdict: 'fix',
    text: `The notification channel could not be read (${probe.reason}).`,
  };
}

function storageLine(probe: SettingProbe): PreflightLine {
  if (probe.kind === 'ok')
    return { verdict: 'ok', text: "The bot's storage takes a write and gives it back." };
  if (probe.kind === 'not-checked')
    return { verdict: 'not-checked', text: `The bot's storage was not checked: ${probe.why}.` };
  return {
    verdict: 'fix',
    text: `The bot's storage did not take a small test write (${probe.kind === 'failed' ? probe.reason : 'no answer'}). Check STORAGE_CONNECTION_STRING or STORAGE_ACCOUNT_URL, and that the bot's identity has Storage Blob Data Contributor on the account.`,
  };
}

/** A line as text: ✓ right, ✗ to fix, – not checked. */
export function preflightLineText(line: PreflightLine): string {
  const mark = line.verdict === 'ok' ? '✓' : line.verdict === 'fix' ? '✗' : '–';
  return `${mark} ${line.text}`;
}
