import fc from 'fast-check';
import {
  mayStartRoundTrip,
  roundTripsForCeiling,
  RoundTripTime,
  type RoundTripLimits,
} from '../../src/domain/round-trip-concurrency';

const GRAPH: RoundTripLimits = { writesPerSecond: 20, writesPerTrip: 20, maxInFlight: 16 };

/** How many round trips the decision lets run at once, starting them one by one. */
function inFlightAllowed(limits: RoundTripLimits, roundTripMs: number | null, writeRoom = 0) {
  let inFlight = 0;
  while (
    mayStartRoundTrip(limits, {
      inFlight,
      writeRoom,
      unsentWrites: inFlight * limits.writesPerTrip,
      roundTripMs,
    })
  )
    inFlight += 1;
  return inFlight;
}

describe('how many round trips of a wave run at once', () => {
  it('keeps Graph’s 20 writes a second going when a round trip takes 3 s (three $batch calls of about a second)', () => {
    // 20 users a round trip, so one must end every second: three in flight, and one for jitter.
    expect(inFlightAllowed(GRAPH, 3_000)).toBe(4);
    expect(roundTripsForCeiling(GRAPH, 3_000)).toBe(4);
  });

  it('starts two before any round trip has been timed, and always one when none runs', () => {
    expect(inFlightAllowed(GRAPH, null)).toBe(2);
    expect(
      mayStartRoundTrip(GRAPH, { inFlight: 0, writeRoom: 0, unsentWrites: 0, roundTripMs: 1e9 })
    ).toBe(true);
  });

  it('starts more while the pacer has room for their writes at once (a wave’s first minutes)', () => {
    expect(inFlightAllowed(GRAPH, 500, 3_000)).toBe(16);
    expect(inFlightAllowed(GRAPH, 500, 45)).toBe(2);
  });

  it('sustains the ceiling, never holds more than the ceiling needs plus one, and never more than the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3_000 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 64 }),
        fc.double({ min: 0, max: 60_000, noNaN: true }),
        (writesPerSecond, writesPerTrip, maxInFlight, roundTripMs) => {
          const limits = { writesPerSecond, writesPerTrip, maxInFlight };
          const allowed = inFlightAllowed(limits, roundTripMs);
          expect(allowed).toBeGreaterThanOrEqual(1);
          expect(allowed).toBeLessThanOrEqual(maxInFlight);
          // Little's law: round trips in flight × writes each ÷ time each ≥ the ceiling's rate.
          if (allowed < maxInFlight)
            expect((allowed * writesPerTrip * 1000) / roundTripMs).toBeGreaterThanOrEqual(
              writesPerSecond
            );
          const needed = Math.ceil((roundTripMs * writesPerSecond) / (1000 * writesPerTrip));
          expect(allowed).toBeLessThanOrEqual(Math.max(1, needed + 1));
        }
      )
    );
  });

  it('smooths the measured round-trip time, so one slow round trip does not double the count', () => {
    const time = new RoundTripTime();
    expect(time.ms).toBeNull();
    time.record(1_000);
    time.record(5_000);
    expect(time.ms).toBe(2_000);
    time.record(Number.NaN);
    expect(time.ms).toBe(2_000);
  });
});
