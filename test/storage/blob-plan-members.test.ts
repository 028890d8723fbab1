import type { PlannedGroup } from '../../src/domain/group-plan';
import {
  NEW_MIGRATION_RECORD,
  planDigest,
  type AssignState,
  type MigrationRecord,
} from '../../src/domain/migration-record';
import { plannedGroupsOf } from '../../src/engine/plan-members';
import { PlanMembersError } from '../../src/engine/ports/plan-members';
import { BlobMigrationStore } from '../../src/storage/blob-migration-store';
import { BlobPlanMembers } from '../../src/storage/blob-plan-members';
import { azuriteOnDisk } from '../support/durable-setup';

/** The approved group plan's members in Azure Blob Storage (Azurite): one block blob beside the record. */
describe("the group plan's members as a blob of their own", () => {
  let azurite: Awaited<ReturnType<typeof azuriteOnDisk>>;
  const group = (displayName: string, userIds: string[]): PlannedGroup => ({
    skuId: 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e',
    skuPartNumber: 'EMS',
    disabledPlans: [],
    displayName,
    mailNickname: displayName.toLowerCase().replace(/ /g, '-'),
    existingGroupId: null,
    userIds,
    toAdd: userIds.length,
    sampleUserPrincipalNames: userIds.map((u) => `${u}@contoso.example`),
  });
  const groups = [group('LIC EMS', ['user-a', 'user-b', 'user-c']), group('LIC E3', ['user-a'])];
  const digest = planDigest(groups);
  const assign = (changes: Partial<AssignState> = {}): AssignState => ({
    status: 'running',
    groups: groups.map(({ userIds, ...g }) => ({ ...g, userCount: userIds.length })),
    digest,
    membersDigest: digest,
    approvalId: 'assign-1',
    ...changes,
  });
  const nameOf = `migration/plans/${digest}.json`;
  const upload = (text: string) =>
    azurite.container.getBlockBlobClient(nameOf).upload(text, Buffer.byteLength(text));

  beforeAll(async () => {
    azurite = await azuriteOnDisk();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it('stores the members once under the digest and refuses members that are not what it names', async () => {
    const store = new BlobPlanMembers(azurite.container);
    await store.save(digest, { 'LIC EMS': groups[0].userIds, 'LIC E3': groups[1].userIds });
    expect(await plannedGroupsOf(store, assign())).toEqual(groups);

    await upload(
      JSON.stringify({ members: { 'LIC EMS': ['user-a', 'user-b'], 'LIC E3': ['user-a'] } })
    );
    await expect(plannedGroupsOf(store, assign())).rejects.toThrow(
      new PlanMembersError(
        `The group assignment stopped before changing anything: Its stored members do not match its digest ${digest.slice(0, 12)} (the blob was changed). Nobody was added and no group was licensed; ask for the assignment again with \`assign\`.`
      )
    );
    await upload(JSON.stringify({ members: { 'LIC EMS': groups[0].userIds } }));
    await expect(plannedGroupsOf(store, assign())).rejects.toThrow(/do not match its digest/);
    await upload('not json');
    await expect(plannedGroupsOf(store, assign())).rejects.toThrow(/are not readable/);
    await expect(plannedGroupsOf(store, assign({ membersDigest: 'f'.repeat(64) }))).rejects.toThrow(
      /No group plan members are stored under ffffffffffff/
    );
  });

  it("moves an older record's inline ids to their blob on its next write, and reads them meanwhile", async () => {
    const store = new BlobPlanMembers(azurite.container);
    await azurite.container.getBlockBlobClient(nameOf).deleteIfExists();
    const legacy: MigrationRecord = {
      ...NEW_MIGRATION_RECORD,
      assign: { status: 'completed', groups, digest, approvalId: 'assign-1' },
    };
    await new BlobMigrationStore(azurite.container).write(legacy, null); // as written before blobs
    const records = new BlobMigrationStore(azurite.container, null, store);
    const before = await records.read();
    if (!before.record.assign) throw new Error('no assignment');
    expect(await plannedGroupsOf(store, before.record.assign)).toEqual(groups);

    await records.write(before.record, before.etag);
    const text = (
      await azurite.container.getBlockBlobClient('migration/record.json').downloadToBuffer()
    ).toString('utf8');
    expect(text).not.toContain('"user-b"');
    const moved = (await records.read()).record.assign;
    expect(moved).toEqual(assign({ status: 'completed' }));
    expect(await plannedGroupsOf(store, moved ?? assign())).toEqual(groups);
  });
});
