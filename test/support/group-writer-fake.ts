import type { GroupWriter } from '../../src/engine/ports/group-writer';

/**
 * A typed GroupWriter whose calls a test scripts: the methods given answer, every other one fails loudly
 * with "not used". Typed against the port, so a change to the port shows here, not in a cast.
 */
export function groupWriterWith(calls: Partial<GroupWriter>): GroupWriter {
  const notUsed = (name: string) => () =>
    Promise.reject(new Error(`GroupWriter.${name} is not used in this test.`));
  return {
    createSecurityGroup: notUsed('createSecurityGroup'),
    groupsByMailNickname: notUsed('groupsByMailNickname'),
    memberIds: notUsed('memberIds'),
    addMembers: notUsed('addMembers'),
    assignGroupLicense: notUsed('assignGroupLicense'),
    processingState: notUsed('processingState'),
    processingFinishedSince: notUsed('processingFinishedSince'),
    membersProcessed: notUsed('membersProcessed'),
    reprocessUser: notUsed('reprocessUser'),
    ...calls,
  };
}
