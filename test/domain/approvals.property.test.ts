import fc from 'fast-check';
import { decide, type ApprovalRequest, type Click } from '../../src/domain/approvals';
import { newApproval } from '../../src/domain/migration-record';

const PEOPLE = ['adele', 'lee', 'nestor', 'megan'].map((id) => ({ id, name: id }));
const APPROVERS = new Set(['lee', 'nestor', 'adele']);
const START = Date.parse('2026-11-24T09:00:00Z');
const TTL = 24 * 3_600_000;

const click = fc.record({
  decision: fc.constantFrom<'approve' | 'reject'>('approve', 'reject'),
  by: fc.constantFrom(...PEOPLE),
  staleCard: fc.boolean(),
  changedSince: fc.boolean(),
  reason: fc.constantFrom('', 'not now'),
  afterMs: fc.integer({ min: 0, max: 2 * TTL }),
});

describe('deciding a sign-off, whatever the clicks', () => {
  it('decides at most once, never by the requester, a non-approver, a stale card or after expiry', () => {
    fc.assert(
      fc.property(fc.array(click, { maxLength: 12 }), (clicks) => {
        let request: ApprovalRequest = newApproval(
          'r1',
          { kind: 'wave', waveNumber: 1, digest: 'd1' },
          [],
          PEOPLE[0],
          new Date(START),
          TTL
        );
        let decisions = 0;
        for (const c of clicks) {
          const input: Click = {
            decision: c.decision,
            by: c.by,
            byIsApprover: APPROVERS.has(c.by.id),
            cardDigest: c.staleCard ? 'old' : 'd1',
            currentDigest: c.changedSince ? 'd2' : 'd1',
            reason: c.reason,
            at: new Date(START + c.afterMs),
          };
          const result = decide(request, input);
          if ('refused' in result) continue;
          decisions += 1;
          expect(request.status).toBe('pending');
          expect(c.by.id).not.toBe('adele');
          expect(APPROVERS.has(c.by.id)).toBe(true);
          expect(c.staleCard || c.changedSince).toBe(false);
          expect(c.afterMs).toBeLessThan(TTL);
          if (c.decision === 'reject') expect(c.reason).not.toBe('');
          request = result;
        }
        expect(decisions).toBeLessThanOrEqual(1);
      }),
      { numRuns: 300 }
    );
  });
});
