import fc from 'fast-check';
import { GRAPH_WRITE_CEILING, WritePacer, type PacerClock } from '../../src/graph/write-pacer';
import { GRAPH_LATENCY } from '../../src/simulator/latency-model';
import { Throttle } from '../../src/simulator/throttling';

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

  it('is never throttled by Graph, which counts a write when it arrives, even when one window’s writes arrive as late as Graph’s latency allows and the next window’s at once', async () => {
    const clock = virtualClock();
    const pacer = new WritePacer(GRAPH_WRITE_CEILING, clock);
    // The slowest answer of the simulator's latency model: a `$batch` whose slowest item hit the cap.
    const slowestMs = GRAPH_LATENCY.maxMs + GRAPH_LATENCY.batchOverheadMs;
    // Batches of 20 writes as fast as the pacer lets them go, for four windows: a burst at each edge.
    const arrivals: number[] = [];
    for (let sent = 0; sent < 12_000; sent += 20) {
      await pacer.acquire(20);
      const window = Math.floor(sent / GRAPH_WRITE_CEILING.writes);
      arrivals.push(clock.now() + (window % 2 === 0 ? slowestMs : 0));
    }
    let at = 0;
    const graph = new Throttle(() => at, 8_000);
    const refused = arrivals.filter((arrival) => {
      at = arrival;
      return !graph.charge({ resourceUnits: 0, writes: 20 }).allowed;
    });
    expect(refused).toEqual([]);
    // The margin costs little: still about the ceiling's rate.
    expect(pacer.perSecond).toBeGreaterThanOrEqual(0.98 * 20);
  });

  it('refuses a ceiling that would never let a write through', () => {
    expect(() => new WritePacer({ writes: 0, windowMs: 1000 })).toThrow(RangeError);
  });
});
