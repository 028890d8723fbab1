import {
  assignFinished,
  assignGivenUp,
  assignGroupsKnown,
  processingProblem,
} from '../../src/domain/assign-lifecycle';
import {
  followUpRecorded,
  restoreDigest,
  restoreMatches,
  restoreRecorded,
} from '../../src/domain/follow-up-lifecycle';
import type { MigrationRecord, WaveResult } from '../../src/domain/migration-record';
import { withCountedPoint } from '../../src/domain/progress-point';
import {
  waveFinished,
  waveRolledBack,
  waveStarted,
  waveStoppedByPause,
  waveWaitsForWindow,
} from '../../src/domain/wave-lifecycle';
import {
  HOUR,
  NOW,
  SKU,
  adele,
  approved,
  assignState,
  at,
  finding,
  lee,
  record,
  request,
  storedWave,
} from '../support/migration-records';

/** How the record changes as approved work runs, on plain data. */

const result = (removed: number, stoppedBecause: string | null = null): WaveResult => ({
  removed,
  skipped: 0,
  restored: 0,
  failed: 0,
  stoppedBecause,
});
const ids = () => {
  let n = 0;
  return () => `id-${++n}`;
};
const TTL = 24 * HOUR;
const waveOf = (r: MigrationRecord, n: number) => r.waves.find((w) => w.number === n);

describe('the group assignment in the record', () => {
  const running = record({ assign: assignState({ approvalId: 'a1' }) });

  it('records the groups as they are created, only on the assignment the run is about', () => {
    expect(assignGroupsKnown(running, 'a1', { Sales: 'g1' }).assign?.groupIds).toEqual({
      Sales: 'g1',
    });
    expect(assignGroupsKnown(running, 'a-newer', { Sales: 'g1' })).toBe(running);
  });

  it('is completed with its groups, and says when processing was not seen complete', () => {
    const done = assignFinished(running, 'a1', {
      groupIds: { Sales: 'g1' },
      at: NOW,
      problem: null,
    });
    expect(done.assign).toMatchObject({ status: 'completed', finishedAt: NOW.toISOString() });
    expect(done.assign?.problem).toBeUndefined();
    const problem = processingProblem([{ name: 'Sales', waitingFor: 'its audit event' }]);
    expect(problem).toBe(
      'License processing was not complete when I stopped waiting (Sales waited for its audit event); `verify` shows who is covered.'
    );
    expect(assignFinished(running, 'a1', { groupIds: {}, at: NOW, problem }).assign?.problem).toBe(
      problem
    );
  });

  it('is failed when given up', () => {
    expect(assignGivenUp(running, 'a1').assign).toMatchObject({
      status: 'failed',
      problem: 'It failed again and again; see the channel.',
    });
  });
});

describe("a wave's run in the record", () => {
  const approvedWave = record({
    waves: [storedWave(1, { status: 'approved', approvalId: 'w1' }), storedWave(2)],
    approvals: [approved('w1', { kind: 'wave', waveNumber: 1, digest: 'digest-1' })],
  });

  it('runs from its first start', () => {
    expect(waveOf(waveStarted(approvedWave, 1, at(0)), 1)).toMatchObject({
      status: 'running',
      startedAt: at(0),
    });
  });

  it('is approved again when its window closes, and paused or approved when an admin paused', () => {
    expect(waveOf(waveWaitsForWindow(approvedWave, 1, result(3)), 1)).toMatchObject({
      status: 'approved',
      result: result(3),
    });
    const paused = { ...approvedWave, paused: { by: adele, at: at(0) } };
    expect(waveOf(waveStoppedByPause(paused, 1, result(1)), 1)?.status).toBe('paused');
    // Resumed while it was stopping: it goes on at the next step.
    expect(waveOf(waveStoppedByPause(approvedWave, 1, result(1)), 1)?.status).toBe('approved');
  });

  it("finished, waits for its follow-up and opens the next wave's card, held open through the soak", () => {
    const end = { at: NOW, followUpAfterMs: HOUR, approvalTtlMs: TTL, newId: ids() };
    const { record: next, request: card } = waveFinished(approvedWave, 1, {
      ...end,
      result: result(2),
      completed: true,
    });
    expect(waveOf(next, 1)).toMatchObject({
      status: 'completed',
      finishedAt: NOW.toISOString(),
      followUp: { status: 'waiting', dueAt: at(HOUR) },
    });
    expect(card).toMatchObject({
      id: 'id-1',
      subject: { kind: 'wave', waveNumber: 2 },
      requestedBy: adele,
      expiresAt: at(HOUR + TTL),
    });
    expect(waveOf(next, 2)).toMatchObject({ status: 'awaiting-approval', approvalId: 'id-1' });
  });

  it('stopped, or having removed nothing, opens no card or no follow-up', () => {
    const end = { at: NOW, followUpAfterMs: HOUR, approvalTtlMs: TTL, newId: ids() };
    const stopped = waveFinished(approvedWave, 1, {
      ...end,
      result: result(1, 'Too many failures.'),
      completed: false,
    });
    expect(stopped.request).toBeNull();
    expect(waveOf(stopped.record, 1)?.status).toBe('stopped');
    const nothing = waveFinished(approvedWave, 1, { ...end, result: result(0), completed: true });
    expect(waveOf(nothing.record, 1)?.followUp).toBeUndefined();
    expect(nothing.request?.expiresAt).toBe(at(TTL));
  });

  it('is rolled back, and its rollback done', () => {
    const rb = approved('rb', { kind: 'rollback', waveNumber: 1, digest: 'x' });
    const next = waveRolledBack({ ...approvedWave, approvals: [rb] }, rb, 1, NOW);
    expect(waveOf(next, 1)?.status).toBe('rolled-back');
    expect(next.approvals[0].doneAt).toBe(NOW.toISOString());
  });
});

describe("a follow-up's result in the record", () => {
  const context = { at: NOW, approvalTtlMs: TTL, newId: ids() };
  const soaking = (changes = {}) =>
    storedWave(1, {
      status: 'completed',
      approvalId: 'w1',
      followUp: { status: 'waiting', dueAt: at(-1), ...changes },
    });
  const base = record({
    waves: [soaking()],
    approvals: [approved('w1', { kind: 'wave', waveNumber: 1, digest: 'digest-1' })],
  });

  it('is recorded clean, and nothing happens when no follow-up was waiting', () => {
    const clean = followUpRecorded(base, 1, { checked: 4, usersGone: 1, findings: [] }, context);
    expect(waveOf(clean!.record, 1)?.followUp).toEqual({
      dueAt: at(-1),
      status: 'clean',
      checkedAt: NOW.toISOString(),
      checked: 4,
      usersGone: 1,
      problems: 0,
      findings: [],
    });
    expect(clean?.request).toBeNull();
    expect(
      followUpRecorded(clean!.record, 1, { checked: 4, usersGone: 0, findings: [] }, context)
    ).toBeNull();
  });

  it('asks the wave’s approver’s second person for a restore of exactly what is missing', () => {
    const findings = [
      finding('i1'),
      finding('i2', { needsRestore: false, problem: 'direct-again' }),
    ];
    const outcome = followUpRecorded(base, 1, { checked: 2, usersGone: 0, findings }, context);
    expect(outcome?.request).toMatchObject({
      subject: { kind: 'restore', waveNumber: 1, digest: restoreDigest(['i1']) },
      // The wave's approver released the removals this check follows: the restore is asked in their name.
      requestedBy: lee,
      expiresAt: at(TTL),
    });
    expect(outcome?.request?.summary[0]).toMatch(/^Give 1 direct license assignments that wave 1/);
    expect(waveOf(outcome!.record, 1)?.followUp).toMatchObject({
      status: 'problems',
      problems: 2,
      restoreIntentIds: ['i1'],
      restoreApprovalId: outcome?.request?.id,
    });
    expect(restoreMatches(waveOf(outcome!.record, 1) as never, outcome!.request!)).toBe(true);
  });

  it("keeps the next wave's held-up card open a full period from the result", () => {
    const card = request(
      'w2',
      { kind: 'wave', waveNumber: 2, digest: 'digest-2' },
      { expiresAt: at(HOUR) }
    );
    const held = {
      ...base,
      waves: [...base.waves, storedWave(2, { status: 'awaiting-approval', approvalId: 'w2' })],
      approvals: [...base.approvals, card],
    };
    const outcome = followUpRecorded(held, 1, { checked: 1, usersGone: 0, findings: [] }, context);
    expect(outcome?.record.approvals.find((a) => a.id === 'w2')?.expiresAt).toBe(at(TTL));
    expect(outcome?.reopened).toBeNull();
  });

  it("opens the next wave's card anew when it expired while held up, not after a stopped wave", () => {
    const expired = request(
      'w2',
      { kind: 'wave', waveNumber: 2, digest: 'digest-2' },
      { status: 'expired' }
    );
    const lapsed = {
      ...base,
      waves: [...base.waves, storedWave(2)],
      approvals: [...base.approvals, expired],
    };
    const outcome = followUpRecorded(
      lapsed,
      1,
      { checked: 1, usersGone: 0, findings: [] },
      context
    );
    expect(outcome?.reopened).toMatchObject({ subject: { kind: 'wave', waveNumber: 2 } });
    expect(waveOf(outcome!.record, 2)?.status).toBe('awaiting-approval');
    const stopped = {
      ...lapsed,
      waves: [soaking({}), storedWave(2)].map((w) =>
        w.number === 1 ? { ...w, status: 'stopped' as const } : w
      ),
    };
    expect(
      followUpRecorded(stopped, 1, { checked: 1, usersGone: 0, findings: [] }, context)?.reopened
    ).toBeNull();
  });

  it('after a restore, is due again at once, asked for by the restore’s approver', () => {
    const rs = approved('rs', { kind: 'restore', waveNumber: 1, digest: restoreDigest(['i1']) });
    const restoring = record({
      waves: [
        soaking({
          status: 'problems',
          restored: 2,
          restoreApprovalId: 'rs',
          restoreIntentIds: ['i1'],
        }),
      ],
      approvals: [rs],
    });
    expect(restoreMatches(restoring.waves[0], rs)).toBe(true);
    expect(
      restoreMatches(restoring.waves[0], { ...rs, subject: { ...rs.subject, digest: 'other' } })
    ).toBe(false);
    const next = restoreRecorded(restoring, rs, 1, 1, NOW);
    expect(next.waves[0].followUp).toEqual({
      dueAt: NOW.toISOString(),
      status: 'waiting',
      restored: 3,
      askedBy: lee,
    });
    expect(next.approvals[0].doneAt).toBe(NOW.toISOString());
  });
});

describe('the count after each step', () => {
  const sku = (skuId: string, directOnly: number, inheritedOnly = 0) => ({
    skuId,
    skuPartNumber: skuId.toUpperCase(),
    prepaidUnits: 10,
    consumedUnits: 5,
    availableUnits: 5,
    directOnly,
    inheritedOnly,
    both: 0,
  });

  it('keeps every held SKU before there is a plan, then only the planned ones', () => {
    const counted = { skus: [sku(SKU, 3), sku('other', 1), sku('unheld', 0)] };
    const before = withCountedPoint(record(), 'before the groups', NOW, counted);
    expect(before.history?.[0].skus.map((s) => s.skuId)).toEqual([SKU, 'other']);
    const planned = record({
      assign: assignState({ groups: [{ skuId: SKU } as never] }),
    });
    const after = withCountedPoint(planned, 'after wave 1', NOW, counted);
    expect(after.history).toEqual([
      {
        at: NOW.toISOString(),
        label: 'after wave 1',
        skus: [
          {
            skuId: SKU,
            skuPartNumber: SKU.toUpperCase(),
            directOnly: 3,
            both: 0,
            inheritedOnly: 0,
          },
        ],
      },
    ]);
  });
});
