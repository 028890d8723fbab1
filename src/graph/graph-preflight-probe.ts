import { randomUUID } from 'node:crypto';
import { GraphError, type Client } from '@microsoft/microsoft-graph-client';
import {
  AUDIT_NOT_PREMIUM,
  type AuditProbeOutcome,
  type ProbeId,
  type ProbeOutcome,
} from '../domain/preflight';
import type { PreflightProbe } from '../engine/preflight';
import { isLeaseLost } from '../engine/ports/write-fence';
import { errorText } from '../error-text';

/**
 * `doctor`'s calls, none of which can change the tenant. Reads ask for one item. Write permissions are
 * shown by a write aimed at an object that cannot exist (a fresh random id): Graph checks the token's
 * permissions first (403 Authorization_RequestDenied), and only then finds nothing to change (404).
 * Group.Create has no such target, so it is not asked (a POST /groups that Graph accepted would create one).
 */
export class GraphPreflightProbe implements PreflightProbe {
  constructor(
    private readonly client: Client,
    private readonly baseUrl: string
  ) {}

  async permission(probe: ProbeId): Promise<ProbeOutcome> {
    try {
      await this.call(probe);
      return { kind: 'granted' };
    } catch (error) {
      return outcomeOf(error, probe);
    }
  }

  async auditLog(): Promise<AuditProbeOutcome> {
    try {
      await this.client.api('/auditLogs/directoryAudits').top(1).get();
      return { kind: 'granted' };
    } catch (error) {
      if (error instanceof GraphError && error.code === AUDIT_NOT_PREMIUM)
        return { kind: 'not-premium' };
      return outcomeOf(error, null);
    }
  }

  async groupHasMembers(groupId: string): Promise<boolean | 'not-found'> {
    try {
      const page = (await this.client
        .api(`/groups/${encodeURIComponent(groupId)}/members`)
        .select(['id'])
        .top(1)
        .get()) as { value?: unknown[] };
      return (page.value ?? []).length > 0;
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 404) return 'not-found';
      throw error;
    }
  }

  private async call(probe: ProbeId): Promise<void> {
    const nobody = randomUUID();
    const none = { addLicenses: [], removeLicenses: [] };
    switch (probe) {
      case 'skus':
        return void (await this.client.api('/subscribedSkus').select(['skuId']).get());
      case 'users':
        return void (await this.client
          .api('/users')
          .select(['id', 'assignedLicenses'])
          .top(1)
          .get());
      case 'groups':
        return void (await this.client.api('/groups').select(['id']).top(1).get());
      case 'memberWrite':
        return void (await this.client.api(`/groups/${randomUUID()}/members/$ref`).post({
          '@odata.id': `${new URL(this.baseUrl).origin}/v1.0/directoryObjects/${nobody}`,
        }));
      case 'licenseWrite':
        return void (await this.client.api(`/users/${nobody}/assignLicense`).post(none));
      case 'userWrite':
        return void (await this.client.api(`/users/${nobody}/reprocessLicenseAssignment`).post({}));
    }
  }
}

const WRITE_PROBES = new Set<ProbeId>(['memberWrite', 'licenseWrite', 'userWrite']);

function outcomeOf(error: unknown, probe: ProbeId | null): ProbeOutcome {
  if (isLeaseLost(error))
    return {
      kind: 'unchecked',
      why: 'only the instance that runs approved work may write, and the command line never does; ask `doctor` in Teams',
    };
  if (error instanceof GraphError && error.statusCode === 403)
    return { kind: 'denied', code: error.code ?? 'Authorization_RequestDenied' };
  // Past the permission check, the write found nothing to change: the permission is there.
  if (
    probe !== null &&
    WRITE_PROBES.has(probe) &&
    error instanceof GraphError &&
    (error.statusCode === 404 || error.statusCode === 400)
  )
    return { kind: 'granted' };
  const status =
    error instanceof GraphError && error.statusCode > 0
      ? `${error.statusCode} ${error.code ?? ''}: `
      : '';
  return { kind: 'failed', reason: `${status}${errorText(error)}`.trim() };
}
