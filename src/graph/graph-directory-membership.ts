import { PageIterator, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import { isNotFoundFor } from '../domain/read-freshness';
import type { DirectoryMembership } from '../engine/ports/directory-membership';

/** Membership through `checkMemberGroups` (transitive), asked afresh each time: never from a card. */
export class GraphDirectoryMembership implements DirectoryMembership {
  constructor(private readonly client: Client) {}

  async isMember(userId: string, groupId: string): Promise<boolean> {
    let answer: { value?: string[] };
    try {
      answer = (await this.client
        .api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`)
        .post({ groupIds: [groupId] })) as { value?: string[] };
    } catch (error) {
      // Someone the directory does not know (a guest from elsewhere, a forged id) is in no group.
      if (isNotFoundFor(error, userId)) return false;
      throw error;
    }
    return (answer.value ?? []).some((id) => id.toLowerCase() === groupId.toLowerCase());
  }

  /** Members page by page, nested groups followed once each (a cycle ends). */
  async userMembers(groupId: string): Promise<string[]> {
    const users = new Set<string>();
    const seen = new Set<string>();
    const pending = [groupId];
    for (let group = pending.pop(); group !== undefined; group = pending.pop()) {
      if (seen.has(group.toLowerCase())) continue;
      seen.add(group.toLowerCase());
      const firstPage = (await this.client
        .api(`/groups/${encodeURIComponent(group)}/members`)
        .select(['id'])
        .top(999)
        .get()) as PageCollection;
      await new PageIterator(
        this.client,
        firstPage,
        (member: { id?: string; '@odata.type'?: string }) => {
          if (member.id && member['@odata.type'] === '#microsoft.graph.group')
            pending.push(member.id);
          else if (member.id && member['@odata.type'] === '#microsoft.graph.user')
            users.add(member.id);
          return true;
        }
      ).iterate();
    }
    return [...users];
  }
}
