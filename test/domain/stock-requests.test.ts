import fc from 'fast-check';
import {
  followUpPointWorthTaking,
  givesBack,
  queueStockRequest,
  type StockRequest,
} from '../../src/domain/stock-requests';

const point = (label: string): StockRequest => ({ label, since: null, throughWave: null });
const afterWave = (n: number, since: string): StockRequest => ({
  label: `after wave ${n}`,
  since,
  throughWave: n,
});

describe('which stock-takings wait while one reads', () => {
  it('a newer point supersedes a point not yet taken', () => {
    expect(queueStockRequest([point('wave 1 follow-up')], point('wave 2 follow-up'))).toEqual([
      point('wave 2 follow-up'),
    ]);
  });

  it('a point asked after a wave keeps that wave’s warnings waiting before it', () => {
    const wave = afterWave(2, '2025-03-03T10:00:00.000Z');
    expect(queueStockRequest([wave], point('wave 2 follow-up'))).toEqual([
      wave,
      point('wave 2 follow-up'),
    ]);
  });

  it('two waves’ warnings become one read from the earlier wave’s start, through the later wave', () => {
    const queued = [afterWave(2, '2025-03-03T10:00:00.000Z'), point('wave 2 follow-up')];
    expect(queueStockRequest(queued, afterWave(3, '2025-03-03T12:00:00.000Z'))).toEqual([
      { label: 'after wave 3', since: '2025-03-03T10:00:00.000Z', throughWave: 3 },
    ]);
  });

  it('never drops a wave’s warnings, and keeps at most one read with warnings and one point', () => {
    const request = fc.oneof(
      fc.string({ maxLength: 8 }).map(point),
      fc
        .tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 1e9 }))
        .map(([n, ms]) => afterWave(n, new Date(1.7e12 + ms).toISOString()))
    );
    fc.assert(
      fc.property(fc.array(request, { maxLength: 12 }), (asked) => {
        const queued = asked.reduce<StockRequest[]>(queueStockRequest, []);
        const warnings = asked.filter((r) => r.since !== null);
        const kept = queued.filter((r) => r.since !== null);
        expect(queued.length).toBeLessThanOrEqual(2);
        expect(kept.length).toBe(warnings.length > 0 ? 1 : 0);
        if (kept.length === 1) {
          const sinces = warnings.map((w) => Date.parse(w.since ?? ''));
          expect(Date.parse(kept[0].since ?? '')).toBe(Math.min(...sinces));
          expect(kept[0].throughWave).toBe(Math.max(...warnings.map((w) => w.throughWave ?? 0)));
          expect(queued[0]).toBe(kept[0]);
        }
        // The newest request is always among those kept (its label names the point taken).
        if (asked.length > 0)
          expect(queued.map((r) => r.label)).toContain(asked[asked.length - 1].label);
      })
    );
  });

  it('knows a restore and a rollback as the work that puts direct assignments back', () => {
    const kinds = ['wave', 'follow-up', 'assign', 'restore', 'rollback'] as const;
    expect(kinds.filter((kind) => givesBack({ kind } as Parameters<typeof givesBack>[0]))).toEqual([
      'restore',
      'rollback',
    ]);
  });

  it("records a follow-up's own point only after a real soak: minutes after its wave, the wave's is as fresh", () => {
    const finished = '2026-11-30T10:00:00.000Z';
    expect(followUpPointWorthTaking(finished, new Date('2026-11-30T10:00:40.000Z'))).toBe(false);
    expect(followUpPointWorthTaking(finished, new Date('2026-11-30T10:09:59.000Z'))).toBe(false);
    expect(followUpPointWorthTaking(finished, new Date('2026-11-30T10:10:00.000Z'))).toBe(true);
    expect(followUpPointWorthTaking(finished, new Date('2026-12-01T10:00:00.000Z'))).toBe(true);
    // A wave recorded without its end (an older record): the point is taken, as before.
    expect(followUpPointWorthTaking(undefined, new Date('2026-11-30T10:00:40.000Z'))).toBe(true);
  });
});
