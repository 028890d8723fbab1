import fc from 'fast-check';
import { WritePacer, type PacerClock } from '../src/graph/write-pacer';

/** A clock that only moves when someone sleeps: the test runs hours of pacing in milliseconds. */
function virtualClock(): PacerClock & { slept: number } {
  let now = 0;
  const clock = {
    slept: 0,
    now: () => now,
    sleep: (ms: number) => {
      now += ms;
      clock.slept += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

const CEILING = { writes: 3_000, windowMs: 150_000 };

describe('pacing writes to Graph’s ceiling', () => {
  it('never lets more than the ceiling through in any window, whatever the batch sizes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 600 }),
        async (batches) => {
          const clock = virtualClock();
          const pacer = new WritePacer(CEILING, clock);
          const sent: { at: number; count: number }[] = [];
          for (const count of batches) {
            await pacer.acquire(count);
            sent.push({ at: clock.now(), count });
          }
          for (const { at } of sent) {
            const inWindow = sent
              .filter((s) => s.at > at - CEILING.windowMs && s.at <= at)
              .reduce((sum, s) => sum + s.count, 0);
            expect(inWindow).toBeLessThanOrEqual(CEILING.writes);
          }
        }
      ),
      { numRuns: 50 }
    );
  });

  it('runs a long wave at the ceiling: 30,000 removals in 20 per batch take about ten windows', async () => {
    const clock = virtualClock();
    const pacer = new WritePacer(CEILING, clock);
    for (let sent = 0; sent < 30_000; sent += 20) await pacer.acquire(20);
    // The first window's writes go at once; the rest at the ceiling, so 10 windows minus the first's burst.
    const rate = 30_000 / ((clock.now() + CEILING.windowMs) / 1000);
    expect(rate).toBeGreaterThanOrEqual(0.9 * (CEILING.writes / (CEILING.windowMs / 1000)));
  });

  it('holds every write back until a Retry-After from Graph has passed', async () => {
    const clock = virtualClock();
    const pacer = new WritePacer(CEILING, clock);
    await pacer.acquire(20);
    pacer.pauseFor(7_000);
    await pacer.acquire(20);
    expect(clock.now()).toBe(7_000);
  });

  it('refuses a ceiling that would never let a write through', () => {
    expect(() => new WritePacer({ writes: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
