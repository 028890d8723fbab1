import type { ContainerClient } from '@azure/storage-blob';
import type { PlanMembers } from '../domain/stored-plan';
import { PlanMembersError, type PlanMembersStore } from '../engine/ports/plan-members';
import { statusOf } from './blob-container';
import { streamText } from './blob-migration-store';

const PREFIX = 'migration/plans/';

/**
 * The group plan's members as a block blob of its own beside the migration record, named by the digest
 * of the groups with their members. Content-addressed: the same name always holds the same members, so no
 * ETag guards it and writing it again changes nothing. The engine checks the digest of what is read.
 */
export class BlobPlanMembers implements PlanMembersStore {
  constructor(private readonly container: ContainerClient) {}

  async save(digest: string, members: PlanMembers): Promise<void> {
    const body = Buffer.from(JSON.stringify({ digest, members }), 'utf8');
    const upload = () =>
      this.container.getBlockBlobClient(nameOf(digest)).upload(body, body.length, {
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
    try {
      await upload();
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      await this.container.createIfNotExists();
      await upload();
    }
  }

  async read(digest: string): Promise<PlanMembers> {
    let text: string;
    try {
      const download = await this.container.getBlockBlobClient(nameOf(digest)).download();
      text = await streamText(download.readableStreamBody);
    } catch (error) {
      if (statusOf(error) === 404)
        throw new PlanMembersError(
          `No group plan members are stored under ${digest.slice(0, 12)} (${nameOf(digest)}).`
        );
      throw error;
    }
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

const nameOf = (digest: string): string => `${PREFIX}${digest}.json`;
