import type { ContainerClient } from '@azure/storage-blob';
import type { PlanMembers } from '../domain/stored-plan';
import { PlanMembersError, type PlanMembersStore } from '../engine/ports/plan-members';
import { ContentAddressedBlobs } from './content-addressed-blob';

const PREFIX = 'migration/plans/';

/**
 * The group plan's members as a block blob of its own beside the migration record, named by the digest
 * of the groups with their members. Content-addressed: the same name always holds the same members, so no
 * ETag guards it and writing it again changes nothing. The engine checks the digest of what is read.
 */
export class BlobPlanMembers implements PlanMembersStore {
  private readonly blobs: ContentAddressedBlobs;

  constructor(container: ContainerClient) {
    this.blobs = new ContentAddressedBlobs(container, PREFIX);
  }

  save(digest: string, members: PlanMembers): Promise<void> {
    return this.blobs.save(digest, { members });
  }

  async read(digest: string): Promise<PlanMembers> {
    const text = await this.blobs.text(digest);
    if (text === null)
      throw new PlanMembersError(
        `No group plan members are stored under ${digest.slice(0, 12)} (${this.blobs.nameOf(digest)}).`
      );
    return membersIn(text, digest);
  }
}

/** The members a blob's text holds; PlanMembersError when it is not what save wrote. */
export function membersIn(text: string, digest: string): PlanMembers {
  try {
    const members = (JSON.parse(text) as { members?: unknown }).members;
    if (typeof members !== 'object' || members === null || Array.isArray(members))
      throw new Error('no members');
    return members as PlanMembers;
  } catch {
    throw new PlanMembersError(
      `The group plan members stored under ${digest.slice(0, 12)} are not readable: the blob was changed.`
    );
  }
}
