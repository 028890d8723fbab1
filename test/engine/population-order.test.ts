import type { PlannedGroup } from '../../src/domain/group-plan';
import { populateAndAssign } from '../../src/engine/populate-and-assign';
import { groupWriterWith } from '../support/group-writer-fake';

const E5 = '06ebc4ee-1bb5-47dd-8120-11324bc54e06';
const E3 = '6fd2c87f-b296-42f0-b197-1e91e994b900';

function planned(displayName: string, skuId: string, members: number): PlannedGroup {
  const userIds = Array.from({ length: members }, (_, i) => `${displayName}-user-${i}`);
  return {
    skuId,
    skuPartNumber: displayName,
    disabledPlans: [],
    displayName,
    mailNickname: displayName.toLowerCase(),
    existingGroupId: null,
    userIds,
    toAdd: userIds.length,
    sampleUserPrincipalNames: [],
  };
}

describe('filling and licensing the groups', () => {
  it('creates every group first, then fills and licenses the one with the most members first, so its long processing runs while the smaller groups are filled; the report keeps the plan order', async () => {
    const calls: string[] = [];
    const writer = groupWriterWith({
      groupsByMailNickname: () => Promise.resolve([]),
      createSecurityGroup: (name) => {
        calls.push(`create ${name}`);
        return Promise.resolve(`id-${name}`);
      },
      addMembers: (groupId, userIds) => {
        calls.push(`add ${userIds.length} to ${groupId}`);
        return Promise.resolve(new Map());
      },
      assignGroupLicense: (groupId) => {
        calls.push(`license ${groupId}`);
        return Promise.resolve();
      },
    });
    const plan = {
      groups: [planned('E3 few', E3, 3), planned('E5 many', E5, 40)],
      newSeats: {},
      warnings: [],
    };

    const report = await populateAndAssign(plan, writer);

    // Both groups exist before either is filled: a new group is "not found" until it has replicated.
    expect(calls).toEqual([
      'create E5 many',
      'create E3 few',
      'add 40 to id-E5 many',
      'license id-E5 many',
      'add 3 to id-E3 few',
      'license id-E3 few',
    ]);
    expect(report.groups.map((g) => [g.displayName, g.membersAdded])).toEqual([
      ['E3 few', 3],
      ['E5 many', 40],
    ]);
  });
});
