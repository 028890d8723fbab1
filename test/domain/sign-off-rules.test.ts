import { openToDecisionBy, type ApprovalRequest, type Person } from '../../src/domain/approvals';
import { restoreSummary, rollbackSummary } from '../../src/domain/approval-summaries';
import { followUpAgain, paused, resumed } from '../../src/domain/migration-controls';
import {
  NEW_MIGRATION_RECORD,
  newApproval,
  type MigrationRecord,
  type StoredWave,
  type WaveStatus,
} from '../../src/domain/migration-record';
import { applyDecision, judgeClick, type CardClick } from '../../src/domain/sign-off-decisions';
import {
  assignRefusal,
  rollbackRefusal,
  wavesBusyRefusal,
  withRollbackRequest,
} from '../../src/domain/sign-off-requests';

/** The sign-off rules and the controls on plain records: no store, no directory, no Teams. */

const adele: Person = { id: 'adele', name: 'Adele Vance' };
const lee: Person = { id: 'lee', name: 'Lee Gu' };
const AT = new Date('2025-03-03T10:00:00Z');
const HOUR = 3_600_000;

const wave = (number: number, status: WaveStatus, extra: Partial<StoredWave> = {}): StoredWave => ({
  number,
  digest: `digest-${number}`,
  userCount: 1,
  entries: [
    {
      userId: `u${number}`,
      userPrincipalName: `u${number}@contoso.example`,
      skuId: 'e3',
      disabledPlans: [],
    },
  ],
  status,
  proposedBy: adele,
  ...extra,
});

const record = (extra: Partial<MigrationRecord>): MigrationRecord => ({
  ...NEW_MIGRATION_RECORD,
  ...extra,
});

const request = (id: string, subject: ApprovalRequest['subject'], by = adele): ApprovalRequest =>
  newApproval(id, subject, ['what changes'], by, AT, HOUR);

describe('when a sign-off may be asked for', () => {
  it.each<[WaveStatus, string | null]>([
    ['approved', 'Wave 1 is approved, starting; assign groups once it has finished.'],
    ['running', 'Wave 1 is running; assign groups once it has finished.'],
    ['paused', 'Wave 1 is paused; assign groups once it has finished.'],
    ['completed', null],
    ['proposed', null],
  ])('refuses the group assignment while a wave is %s', (status, refusal) => {
    const stored = record({ waves: [wave(1, status)] });
    expect(assignRefusal(stored)).toBe(refusal);
  });

  it('refuses the group assignment while it is already running', () => {
    const running = record({
      assign: { status: 'running', groups: [], digest: 'plan', approvalId: 'a1' },
    });
    expect(assignRefusal(running)).toBe('The group assignment is already running; see `status`.');
    expect(wavesBusyRefusal(running, 'assign groups')).toBeNull();
  });

  it.each<[WaveStatus, Partial<StoredWave>, boolean]>([
    ['completed', {}, true],
    ['stopped', {}, true],
    ['paused', {}, true],
    ['approved', { startedAt: AT.toISOString() }, true],
    ['approved', {}, false],
    ['awaiting-approval', {}, false],
    ['rolled-back', {}, false],
  ])('rolls back a wave %s (%j) only if it has run: %s', (status, extra, allowed) => {
    expect(rollbackRefusal(wave(2, status, extra)) === null).toBe(allowed);
  });

  it('replaces an open rollback request for the same wave, and leaves another wave’s alone', () => {
    const old = request('old', { kind: 'rollback', waveNumber: 1, digest: 'digest-1' });
    const other = request('other', { kind: 'rollback', waveNumber: 2, digest: 'digest-2' });
    const next = withRollbackRequest(
      record({ approvals: [old, other] }),
      request('new', { kind: 'rollback', waveNumber: 1, digest: 'digest-1' })
    );
    expect(next.approvals.map((a) => [a.id, a.status])).toEqual([
      ['old', 'superseded'],
      ['other', 'pending'],
      ['new', 'pending'],
    ]);
  });
});

describe('what a sign-off card says', () => {
  it('counts what a rollback puts back', () => {
    expect(rollbackSummary(3, 40)[0]).toBe(
      'Put back the 40 direct assignments wave 3 removed, each with its original disabled service plans.'
    );
  });

  it('names the first five users a restore gives back to, and counts the rest', () => {
    const findings = Array.from({ length: 7 }, (_, i) => ({
      userPrincipalName: `u${i}@contoso.example`,
      detail: 'lacks Exchange Online',
    })) as unknown as Parameters<typeof restoreSummary>[1];
    const lines = restoreSummary(1, findings);
    expect(lines).toContain('u4@contoso.example lacks Exchange Online');
    expect(lines).not.toContain('u5@contoso.example lacks Exchange Online');
    expect(lines).toContain('And 2 more.');
  });
});

describe('a click on a sign-off card', () => {
  const pending = request('w1', { kind: 'wave', waveNumber: 1, digest: 'digest-1' });
  const stored = record({
    waves: [wave(1, 'awaiting-approval', { approvalId: 'w1' })],
    approvals: [pending],
  });
  const click = (extra: Partial<CardClick> = {}): CardClick => ({
    approvalId: 'w1',
    decision: 'approve',
    by: lee,
    byIsApprover: true,
    cardDigest: 'digest-1',
    at: new Date(AT.getTime() + 60_000),
    ...extra,
  });

  it('shows the buttons only to someone other than the requester, while the request is open', () => {
    expect(openToDecisionBy(pending, lee)).toBe(true);
    expect(openToDecisionBy(pending, { ...adele, id: 'ADELE' })).toBe(false);
    expect(openToDecisionBy({ ...pending, status: 'approved' }, lee)).toBe(false);
  });

  it.each<[string, Partial<CardClick>, string]>([
    ['names no request we know', { approvalId: 'nope' }, 'stale'],
    ['comes from the requester', { by: adele }, 'own-request'],
    ['comes from someone not an approver', { byIsApprover: false }, 'not-approver'],
    ['shows other contents', { cardDigest: 'digest-0' }, 'stale'],
    ['rejects without a reason', { decision: 'reject' }, 'reason-required'],
  ])('is refused when it %s', (_, extra, refused) => {
    const outcome = judgeClick(stored, click(extra));
    expect(outcome.accepted ? null : outcome.refusal.refused).toBe(refused);
  });

  it('is refused with a release window on anything but a removal wave', () => {
    const assign = request('a1', { kind: 'assign', digest: 'plan' });
    const outcome = judgeClick(
      record({
        assign: { status: 'awaiting-approval', groups: [], digest: 'plan', approvalId: 'a1' },
        approvals: [assign],
      }),
      click({ approvalId: 'a1', cardDigest: 'plan', window: { text: 'any' } as never })
    );
    expect(outcome.accepted ? null : outcome.refusal.refused).toBe('bad-window');
  });

  it('once accepted, releases the wave it approves', () => {
    const outcome = judgeClick(stored, click());
    if (!outcome.accepted) throw new Error(outcome.refusal.message);
    const next = applyDecision(stored, outcome.request);
    expect(next.waves[0].status).toBe('approved');
    expect(next.approvals[0]).toMatchObject({ status: 'approved', decidedBy: lee });
  });
});

describe('pause, resume and checking a wave again', () => {
  it('pauses only while something runs or waits, and never twice', () => {
    expect(paused(record({}), adele, AT).refused).toMatch(/nothing to pause/);
    const running = record({ waves: [wave(1, 'running')] });
    const once = paused(running, adele, AT);
    if (once.refused !== undefined) throw new Error(once.refused);
    expect(once.record.paused).toEqual({ by: adele, at: AT.toISOString() });
    expect(paused(once.record, lee, AT).refused).toBe(
      `Already paused by Adele Vance at ${AT.toISOString()}.`
    );
  });

  it('resumes paused waves as approved, and refuses when nothing is paused', () => {
    expect(resumed(record({})).refused).toBe('Nothing is paused.');
    const outcome = resumed(
      record({ waves: [wave(1, 'paused')], paused: { by: adele, at: AT.toISOString() } })
    );
    if (outcome.refused !== undefined) throw new Error(outcome.refused);
    expect(outcome.record.paused).toBeNull();
    expect(outcome.record.waves[0].status).toBe('approved');
  });

  it('does not cut a soak period short, and supersedes a pending restore when it checks again', () => {
    const soaking = record({
      waves: [
        wave(1, 'completed', {
          followUp: { dueAt: new Date(AT.getTime() + HOUR).toISOString(), status: 'waiting' },
        }),
      ],
    });
    expect(followUpAgain(soaking, 1, adele, AT).refused).toMatch(/not cut short/);
    const restore = request('r1', { kind: 'restore', waveNumber: 1, digest: 'x' }, lee);
    const found = record({
      waves: [
        wave(1, 'completed', {
          followUp: { dueAt: AT.toISOString(), status: 'problems', restoreApprovalId: 'r1' },
        }),
      ],
      approvals: [restore],
    });
    const outcome = followUpAgain(found, 1, adele, AT);
    if (outcome.refused !== undefined) throw new Error(outcome.refused);
    expect(outcome.record.approvals[0].status).toBe('superseded');
    expect(outcome.record.waves[0].followUp).toEqual({
      dueAt: AT.toISOString(),
      status: 'waiting',
      askedBy: adele,
    });
  });
});
