import { takeDelivery } from '../../src/domain/recent-deliveries';

describe('recent deliveries', () => {
  const limits = { keepMs: 1_000, maxIds: 3 };

  it('takes an id once and recognises it again while it is remembered', () => {
    const first = takeDelivery({}, 'a', 0, limits);
    expect(first.seenBefore).toBe(false);
    const recent = first.seenBefore ? {} : first.next;
    expect(takeDelivery(recent, 'a', 999, limits).seenBefore).toBe(true);
  });

  it('forgets ids older than the limit, and the oldest beyond the count', () => {
    const taken = takeDelivery({ old: 0, b: 1_500, c: 1_600, d: 1_700 }, 'e', 1_800, limits);
    expect(taken).toEqual({ seenBefore: false, next: { e: 1_800, d: 1_700, c: 1_600 } });
    expect(takeDelivery({ a: 0 }, 'a', 1_000, limits).seenBefore).toBe(false);
  });
});
