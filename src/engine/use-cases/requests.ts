import type { ApprovalRequest, ApprovalSubject, Person } from '../../domain/approvals';
import { assignSummary, nothingToAssign } from '../../domain/approval-summaries';
import type { GroupChoiceArgument } from '../../domain/commands';
import { GroupChoiceError, type DynamicChoice } from '../../domain/dynamic-choice';
import { intendedGroupsOf } from '../../domain/intended-groups';
import { dynamicLicensingGroups } from '../../domain/rule-drift';
import {
  expireDue,
  newApproval,
  planDigest,
  replaceProposedWaves,
  type MigrationRecord,
  type StoredWave,
} from '../../domain/migration-record';
import {
  approvalConditions,
  assignRefusal,
  nextWaveRequest,
  proposeWavesRefusal,
  withAssignRequest,
} from '../../domain/sign-off-requests';
import {
  WaveSizeError,
  defaultWaveSizes,
  parseWaveSizes,
  type Wave,
  type WaveSizes,
} from '../../domain/waves';
import { splitCandidatesIntoWaves } from '../../domain/wave-candidates';
import { updateRecord } from '../update-record';
import { assignPlan, planWithSubjects, recordGroupChoice } from '../group-choice';
import { planGroups } from '../plan-groups';
import { verifyDirectRemovals } from '../verify-removals';
import { saveWaves } from '../wave-contents';
import { savePlanMembers } from '../plan-members';
import type { Access } from './access';
import { currentRecord, type MigrationEngineDependencies } from './engine-dependencies';
import { MigrationRefusal, refuseIf } from './migration-refusal';

/** Waves proposed: the ones stored, the first one's sign-off request, and how many assignments stay. */
export interface WaveProposal {
  readonly waves: readonly StoredWave[];
  readonly request: ApprovalRequest | null;
  readonly kept: number;
}

/**
 * Opens a sign-off request: a new approval for `subject`, stored with what `transition` makes of the
 * record as written (it may refuse by throwing), then its card goes to the channel.
 */
export async function askForSignOff(
  deps: MigrationEngineDependencies,
  ask: { subject: ApprovalSubject; summary: string[]; by: Person },
  transition: (record: MigrationRecord, request: ApprovalRequest) => MigrationRecord
): Promise<ApprovalRequest> {
  const request = newApproval(
    deps.newId(),
    ask.subject,
    ask.summary,
    ask.by,
    deps.now(),
    deps.settings.approvalTtlMs
  );
  await updateRecord(deps.store, (record) => ({
    record: transition(record, request),
    result: undefined,
  }));
  await deps.notifier.notify({ kind: 'approval-requested', request });
  return request;
}

/**
 * Asking for sign-off on the work that prepares and makes the move: the group assignment (phase 3) and
 * the removal waves (phase 6). A choice that shapes the assignment's plan before it is asked for (such
 * as which kind of licensing group a variant gets) belongs here too; its card's wording goes in
 * `domain/approval-summaries.ts`. Rollbacks are asked for in `controls.ts`.
 */
export class SignOffRequests {
  constructor(
    private readonly deps: MigrationEngineDependencies,
    private readonly access: Access
  ) {}

  /** Phase 3's approval card: the plan as it stands, what populating it would change, frozen by digest. */
  async assign(by: Person): Promise<ApprovalRequest> {
    const { deps } = this;
    await this.access.requireAdmin(by, 'start the group assignment');
    const before = await currentRecord(deps);
    refuseIf(assignRefusal(before));
    // Each variant given a dynamic group (`group N dynamic`) is counted again on the tenant as it stands;
    // without one, no user's rule attributes are kept (~300 bytes each: 150 MB at 500,000 users).
    const { plan, subjects } = before.dynamicChoices?.length
      ? await planWithSubjects(deps.reader)
      : { plan: await planGroups(deps.reader), subjects: [] };
    const { groups, ...chosen } = assignPlan(plan, subjects, before.dynamicChoices ?? []);
    refuseIf(nothingToAssign(plan, groups));
    const subject = { kind: 'assign' as const, digest: planDigest(groups) };
    const summary = assignSummary(plan, groups, chosen);
    // The members' ids in their own blob before the record that names it; the record keeps counts.
    const stored = await savePlanMembers(deps.planMembers, groups);
    return askForSignOff(deps, { subject, summary, by }, (r, q) => {
      // Checked again on the record being written: an approval may have landed while planning.
      refuseIf(assignRefusal(r));
      return withAssignRequest(r, q, stored, chosen.dynamic);
    });
  }

  /** `group N dynamic [C]` / `group N static`, before `assign`: see recordGroupChoice. */
  async chooseGroup(
    by: Person,
    argument: GroupChoiceArgument
  ): Promise<{ choice: DynamicChoice | null; variantName: string }> {
    await this.access.requireAdmin(by, 'choose the kind of licensing group');
    return recordGroupChoice(this.deps, by, argument).catch((error: unknown) => {
      throw error instanceof GroupChoiceError ? new MigrationRefusal(error.message) : error;
    });
  }

  /** Phase 6: freezes the removal waves from a fresh verification and asks for the first one's sign-off. */
  async proposeWaves(by: Person, sizesText?: string): Promise<WaveProposal> {
    const { deps } = this;
    await this.access.requireAdmin(by, 'propose removal waves');
    const sizes = wavesSizesOrRefuse(sizesText);
    const before = await currentRecord(deps);
    refuseIf(proposeWavesRefusal(before));
    const { waves, kept } = await wavesFromVerification(deps, before, sizes);
    // Each wave's contents in their own blob before the record that names them.
    await saveWaves(deps.waveContents, waves);
    const wavesBefore = JSON.stringify(before.waves.map((w) => [w.number, w.status]));
    // The record as written comes back from the write: a read after it could fail, and the waves are stored.
    const { request, record } = await updateRecord(deps.store, (stored) => {
      // The waves were split from a verification of the tenant as it stood; if a wave ran meanwhile,
      // they may repeat its users.
      if (JSON.stringify(stored.waves.map((w) => [w.number, w.status])) !== wavesBefore)
        throw new MigrationRefusal(
          'The waves changed while I was verifying the tenant; run `waves` again.'
        );
      const replaced = replaceProposedWaves(stored, waves, by);
      const next = nextWaveRequest(replaced, deps.now(), deps.settings.approvalTtlMs, deps.newId);
      return {
        record: next.record,
        result: { request: next.request, record: expireDue(next.record, deps.now()) },
      };
    });
    if (request)
      await deps.notifier.notify({
        kind: 'approval-requested',
        request,
        conditions: approvalConditions(record, request, deps.now()),
      });
    return {
      waves: record.waves.filter((w) => waves.some((x) => x.digest === w.digest)),
      request,
      kept,
    };
  }
}

/**
 * The waves split from a fresh verification, and how many assignments must stay; refused when none may
 * go. Only the waves outlive it: the compact candidates are dropped once split.
 */
async function wavesFromVerification(
  deps: MigrationEngineDependencies,
  record: MigrationRecord,
  sizes: WaveSizes | null
): Promise<{ waves: Wave[]; kept: number }> {
  const { candidates, kept } = await verifyDirectRemovals(
    deps.reader,
    intendedGroupsOf(record),
    dynamicLicensingGroups(record.assign)
  );
  if (candidates.length === 0) {
    throw new MigrationRefusal(
      `No direct assignment can be removed safely yet (${kept} must stay; \`verify\` says why).`
    );
  }
  const waves = splitCandidatesIntoWaves(
    candidates,
    sizes ?? defaultWaveSizes(candidates.userCount)
  );
  return { waves, kept };
}

/** The sizes an admin typed, or null for the default; malformed sizes are refused, saying why. */
function wavesSizesOrRefuse(sizesText: string | undefined): WaveSizes | null {
  try {
    return sizesText ? parseWaveSizes(sizesText) : null;
  } catch (error) {
    if (error instanceof WaveSizeError) throw new MigrationRefusal(error.message);
    throw error;
  }
}
