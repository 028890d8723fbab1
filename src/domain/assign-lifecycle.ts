import type { AssignState, MigrationRecord } from './migration-record';

/**
 * The group assignment's record, as its run goes on. Each change applies only to the assignment the run
 * is about (`approvalId`), never to one requested since. Pure: records in, records out.
 */

function withAssign(
  record: MigrationRecord,
  approvalId: string,
  change: (assign: AssignState) => AssignState
): MigrationRecord {
  return record.assign?.approvalId === approvalId
    ? { ...record, assign: change(record.assign) }
    : record;
}

/** The groups created or found so far, by display name: a restart reuses them. */
export function assignGroupsKnown(
  record: MigrationRecord,
  approvalId: string,
  groupIds: Readonly<Record<string, string>>
): MigrationRecord {
  return withAssign(record, approvalId, (a) => ({ ...a, groupIds: { ...groupIds } }));
}

/** The groups populated and licensed; `problem` when license processing was not seen complete. */
export function assignFinished(
  record: MigrationRecord,
  approvalId: string,
  outcome: {
    readonly groupIds: Readonly<Record<string, string>>;
    readonly at: Date;
    readonly problem: string | null;
  }
): MigrationRecord {
  return withAssign(record, approvalId, (a) => ({
    ...a,
    groupIds: { ...outcome.groupIds },
    status: 'completed',
    finishedAt: outcome.at.toISOString(),
    ...(outcome.problem === null ? {} : { problem: outcome.problem }),
  }));
}

/** Given up after failing again and again: nothing more is tried until an admin asks again. */
export function assignGivenUp(record: MigrationRecord, approvalId: string): MigrationRecord {
  return withAssign(record, approvalId, (a) => ({
    ...a,
    status: 'failed',
    problem: 'It failed again and again; see the channel.',
  }));
}

/** What the record says when license processing was not seen complete, and which groups waited for what. */
export function processingProblem(
  pending: readonly { readonly name: string; readonly waitingFor: string }[]
): string {
  return `License processing was not complete when I stopped waiting (${pending.map((p) => `${p.name} waited for ${p.waitingFor}`).join('; ')}); \`verify\` shows who is covered.`;
}

/** Stopped before changing anything (its members missing or not as approved): an admin asks again. */
export function assignStopped(
  record: MigrationRecord,
  approvalId: string,
  problem: string
): MigrationRecord {
  return withAssign(record, approvalId, (a) => ({ ...a, status: 'failed', problem }));
}
