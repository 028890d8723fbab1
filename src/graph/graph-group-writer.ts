import {
  GraphError,
  PageIterator,
  type Client,
  type PageCollection,
} from '@microsoft/microsoft-graph-client';
import { afterRefusedBind, bindChunks } from '../domain/member-binding';
import { ObjectNotFoundError, type GroupWriter } from '../engine/ports/group-writer';
import { isNotFoundFor } from '../domain/read-freshness';
import { BATCH_LIMIT, GraphBatch } from './graph-batch';
import type { WriteFence } from '../engine/ports/write-fence';
import { WritePacer } from './write-pacer';

/**
 * Graph's error as the port's: a 404 naming one of these objects becomes an `ObjectNotFoundError` for it
 * (with Graph's message); any other error stays as it is.
 */
function naming(error: unknown, objectIds: readonly string[]): unknown {
  const named = objectIds.find((id) => isNotFoundFor(error, id));
  return named === undefined ? error : new ObjectNotFoundError(named, (error as Error).message);
}

/** The audit activity Entra ID records when a group's license processing has run through its members. */
const PROCESSING_FINISHED = 'Finish applying group based license to users';

/** Licensing groups through Graph: create, add members 20 a write and 400 a `$batch`, assign, read processing. */
export class GraphGroupWriter implements GroupWriter {
  private readonly batch: GraphBatch;

  constructor(
    private readonly client: Client,
    private readonly baseUrl: string,
    /** Share one pacer among every writer of the same app and tenant: the ceiling is theirs together. */
    private readonly pacer: WritePacer = new WritePacer(),
    /** The client's fence, again: a throttled batch item is not waited for past the lease's end. */
    fence?: WriteFence
  ) {
    this.batch = new GraphBatch(client, baseUrl, { pacer, fence });
  }

  async createSecurityGroup(
    displayName: string,
    mailNickname: string,
    description: string,
    membershipRule?: string
  ): Promise<string> {
    // Every write takes its turn at the one pacer: the ceiling counts creations and assignments too.
    await this.pacer.acquire(1);
    const group = (await this.client.api('/groups').post({
      displayName,
      mailNickname,
      description,
      mailEnabled: false,
      securityEnabled: true,
      ...(membershipRule
        ? {
            groupTypes: ['DynamicMembership'],
            membershipRule,
            membershipRuleProcessingState: 'On',
          }
        : { groupTypes: [] }),
    })) as { id: string };
    return group.id;
  }

  async groupsByMailNickname(
    mailNickname: string
  ): Promise<{ readonly id: string; readonly displayName: string }[]> {
    const page = (await this.client
      .api('/groups')
      .filter(`mailNickname eq '${mailNickname.replace(/'/g, "''")}'`)
      .select(['id', 'displayName'])
      .get()) as { value?: { id: string; displayName: string }[] };
    return (page.value ?? []).map(({ id, displayName }) => ({ id, displayName }));
  }

  async memberIds(groupId: string): Promise<Set<string>> {
    return this.allMemberIds(groupId).catch((error: unknown) => {
      throw naming(error, [groupId]);
    });
  }

  private async allMemberIds(groupId: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const firstPage = (await this.client
      .api(`/groups/${groupId}/members`)
      .select(['id'])
      .top(999)
      .get()) as PageCollection;
    await new PageIterator(this.client, firstPage, (member: { id: string }) => {
      ids.add(member.id.toLowerCase());
      return true;
    }).iterate();
    return ids;
  }

  /**
   * Adds the users 20 per `PATCH /groups/{id}` with `members@odata.bind` (one write each), 20 PATCHes per
   * `$batch`, all through the pacer. A refused PATCH is narrowed down to the member at fault
   * (member-binding.ts), whose answer is then the one a lone add would have had.
   */
  async addMembers(groupId: string, userIds: readonly string[]): Promise<Map<string, Error>> {
    const failures = new Map<string, Error>();
    const graphHost = new URL(this.baseUrl).origin;
    const pending = bindChunks(userIds);
    while (pending.length > 0) {
      const round = pending.splice(0, BATCH_LIMIT);
      const answers = await this.batch.send(
        round.map((chunk, i) => ({
          id: String(i),
          method: 'PATCH',
          path: `/groups/${groupId}`,
          body: {
            'members@odata.bind': chunk.map((id) => `${graphHost}/v1.0/directoryObjects/${id}`),
          },
        }))
      );
      for (const [i, chunk] of round.entries()) {
        const answer = answers.get(String(i));
        if (!(answer instanceof Error)) continue;
        const next = afterRefusedBind(chunk, answer, groupId);
        pending.push(...next.retry);
        for (const [userId, error] of next.failures)
          failures.set(userId, naming(error, [groupId, userId]) as Error);
      }
    }
    return failures;
  }

  async assignGroupLicense(
    groupId: string,
    skuId: string,
    disabledPlans: readonly string[]
  ): Promise<void> {
    await this.pacer.acquire(1);
    await this.client
      .api(`/groups/${groupId}/assignLicense`)
      .post({ addLicenses: [{ skuId, disabledPlans }], removeLicenses: [] })
      .catch((error: unknown) => {
        throw naming(error, [groupId]);
      });
  }

  async processingState(groupId: string): Promise<string | null> {
    const group = (await this.client
      .api(`/groups/${groupId}`)
      .select(['id', 'licenseProcessingState'])
      .get()
      .catch((error: unknown) => {
        throw naming(error, [groupId]);
      })) as {
      licenseProcessingState?: { state?: string } | null;
    };
    return group.licenseProcessingState?.state ?? null;
  }

  async processingFinishedSince(since: Date): Promise<Set<string> | null | 'unavailable'> {
    const finished = new Set<string>();
    const from = since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    try {
      const firstPage = (await this.client
        .api('/auditLogs/directoryAudits')
        .filter(`activityDisplayName eq '${PROCESSING_FINISHED}' and activityDateTime ge ${from}`)
        .top(999)
        .get()) as PageCollection;
      await new PageIterator(
        this.client,
        firstPage,
        (entry: { targetResources?: { id?: string | null; type?: string | null }[] }) => {
          for (const target of entry.targetResources ?? [])
            if (target.id && target.type === 'Group') finished.add(target.id.toLowerCase());
          return true;
        }
      ).iterate();
    } catch (error) {
      if (error instanceof GraphError && error.statusCode === 403) return null;
      // The audit log has its own tight limit (5 requests / 10 s) and only confirms: never fail on it.
      if (error instanceof GraphError && (error.statusCode === 429 || error.statusCode >= 500))
        return 'unavailable';
      throw error;
    }
    return finished;
  }

  async membersProcessed(groupId: string): Promise<boolean> {
    let processed = true;
    // The cast keeps only users (nested groups get no license) and lets $select name user properties.
    const firstPage = (await this.client
      .api(`/groups/${groupId}/members/microsoft.graph.user`)
      .select(['id', 'licenseAssignmentStates'])
      .top(999)
      .get()) as PageCollection;
    const id = groupId.toLowerCase();
    await new PageIterator(
      this.client,
      firstPage,
      (user: { licenseAssignmentStates?: { assignedByGroup?: string | null }[] }) => {
        processed = (user.licenseAssignmentStates ?? []).some(
          (row) => row.assignedByGroup?.toLowerCase() === id
        );
        return processed;
      }
    ).iterate();
    return processed;
  }

  async reprocessUser(userId: string): Promise<void> {
    await this.pacer.acquire(1);
    await this.client
      .api(`/users/${encodeURIComponent(userId)}/reprocessLicenseAssignment`)
      .post({});
  }
}
