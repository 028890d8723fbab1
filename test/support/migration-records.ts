import type { ApprovalRequest, ApprovalSubject, Person } from '../../src/domain/approvals';
import type { FollowUpFinding } from '../../src/domain/follow-up';
import {
  NEW_MIGRATION_RECORD,
  type AssignState,
  type MigrationRecord,
  type StoredWave,
} from '../../src/domain/migration-record';

/** Plain migration records for the domain's tests: people, waves, requests, findings. */

export const SKU = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
export const adele: Person = { id: 'adele', name: 'Adele Vance' };
export const lee: Person = { id: 'lee', name: 'Lee Gu' };
export const NOW = new Date('2025-03-03T10:00:00Z');
export const HOUR = 3_600_000;

export const at = (offsetMs: number): string => new Date(NOW.getTime() + offsetMs).toISOString();

export function storedWave(number: number, changes: Partial<StoredWave> = {}): StoredWave {
  return {
    number,
    digest: `digest-${number}`,
    userCount: 1,
    entries: [
      {
        userId: `user-${number}`,
        userPrincipalName: `user${number}@contoso.example`,
        skuId: SKU,
        disabledPlans: [],
      },
    ],
    status: 'proposed',
    proposedBy: adele,
    ...changes,
  };
}

export function request(
  id: string,
  subject: ApprovalSubject,
  changes: Partial<ApprovalRequest> = {}
): ApprovalRequest {
  return {
    id,
    subject,
    summary: [],
    requestedBy: adele,
    requestedAt: at(-HOUR),
    expiresAt: at(24 * HOUR),
    status: 'pending',
    ...changes,
  };
}

export const approved = (id: string, subject: ApprovalSubject, changes = {}) =>
  request(id, subject, { status: 'approved', decidedBy: lee, decidedAt: at(-1), ...changes });

export function assignState(changes: Partial<AssignState> = {}): AssignState {
  return {
    status: 'running',
    groups: [],
    digest: 'plan-digest',
    approvalId: 'assign-1',
    ...changes,
  };
}

export function record(changes: Partial<MigrationRecord> = {}): MigrationRecord {
  return { ...NEW_MIGRATION_RECORD, ...changes };
}

export function finding(intentId: string, changes: Partial<FollowUpFinding> = {}): FollowUpFinding {
  return {
    intentId,
    userId: `user-of-${intentId}`,
    userPrincipalName: `${intentId}@contoso.example`,
    skuId: SKU,
    problem: 'lost-plans',
    detail: 'lacks Exchange Online since the removal.',
    needsRestore: true,
    ...changes,
  };
}
