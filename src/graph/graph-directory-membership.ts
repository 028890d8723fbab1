import type { Client } from '@microsoft/microsoft-graph-client';
import type { DirectoryMembership } from '../engine/directory-membership';

/** Membership through `checkMemberGroups` (transitive), asked afresh each time: never from a card. */
export class GraphDirectoryMembership implements DirectoryMembership {
  constructor(private readonly client: Client) {}

  async isMember(userId: string, groupId: string): Promise<boolean> {
    const answer = (await this.client
      .api(`/users/${encodeURIComponent(userId)}/checkMemberGroups`)
      .post({ groupIds: [groupId] })) as { value?: string[] };
    return (answer.value ?? []).some((id) => id.toLowerCase() === groupId.toLowerCase());
  }
}
