import {
  evaluatePreflight,
  type AuditProbeOutcome,
  type GroupProbe,
  type PreflightReport,
  type ProbeId,
  type ProbeOutcome,
  type SettingProbe,
} from '../domain/preflight';
import { errorText } from '../error-text';

/** The directory's side of `doctor`: one harmless call per probe (src/graph/graph-preflight-probe.ts). */
export interface PreflightProbe {
  permission(probe: ProbeId): Promise<ProbeOutcome>;
  auditLog(): Promise<AuditProbeOutcome>;
  /** 'not-found' when the directory has no such group. */
  groupHasMembers(groupId: string): Promise<boolean | 'not-found'>;
}

export interface PreflightDependencies {
  readonly probe: PreflightProbe;
  readonly adminGroupId: string | null;
  readonly approverGroupId: string | null;
  /** Whether a notification channel is set; null where there is none to check (the command line). */
  readonly channelIsSet: (() => Promise<boolean>) | null;
  /** Writes, reads back and deletes a small blob; null where there is none to check. */
  readonly probeStorage: (() => Promise<void>) | null;
}

const PROBES: readonly ProbeId[] = [
  'skus',
  'users',
  'groups',
  'memberWrite',
  'licenseWrite',
  'userWrite',
];
const NOT_HERE = 'the command line has none of the bot’s; run `doctor` in Teams';

/** Runs every check (none changes anything), one after the other, and judges them. */
export async function runPreflight(deps: PreflightDependencies): Promise<PreflightReport> {
  const permissions = {} as Record<ProbeId, ProbeOutcome>;
  // One at a time: a few calls, and the audit log has a limit of its own (5 per 10 s).
  for (const id of PROBES) permissions[id] = await deps.probe.permission(id);
  return evaluatePreflight({
    permissions,
    auditLog: await deps.probe.auditLog(),
    adminGroup: await groupProbe(deps.probe, deps.adminGroupId),
    approverGroup: await groupProbe(deps.probe, deps.approverGroupId),
    channel: await settingProbe(deps.channelIsSet, async (isSet) => (isSet ? 'ok' : 'missing')),
    storage: await settingProbe(deps.probeStorage, async () => 'ok'),
  });
}

async function groupProbe(probe: PreflightProbe, id: string | null): Promise<GroupProbe> {
  if (id === null) return { kind: 'unset' };
  try {
    const found = await probe.groupHasMembers(id);
    return found === 'not-found'
      ? { kind: 'not-found', id }
      : { kind: 'found', id, hasMembers: found };
  } catch (error) {
    return { kind: 'failed', id, reason: errorText(error) };
  }
}

async function settingProbe<T>(
  check: (() => Promise<T>) | null,
  judge: (value: T) => Promise<'ok' | 'missing'>
): Promise<SettingProbe> {
  if (check === null) return { kind: 'not-checked', why: NOT_HERE };
  try {
    return { kind: await judge(await check()) };
  } catch (error) {
    return { kind: 'failed', reason: errorText(error) };
  }
}
