/**
 * The simulator's time: it runs `timeScale` times faster than real time, so processing delays and
 * throttling windows of minutes pass in seconds (benchmarks scale wall time back).
 */
export class SimulatedClock {
  private readonly realStart = Date.now();

  constructor(
    readonly timeScale = 1,
    private readonly start = Date.now()
  ) {
    if (!(timeScale > 0))
      throw new Error(`The time scale must be a positive number (got ${timeScale}).`);
  }

  now(): Date {
    return new Date(this.start + (Date.now() - this.realStart) * this.timeScale);
  }

  /** Simulated milliseconds since the clock started. */
  elapsedMs(): number {
    return (Date.now() - this.realStart) * this.timeScale;
  }

  /** How long `simulatedMs` lasts in real time. */
  toRealMs(simulatedMs: number): number {
    return simulatedMs / this.timeScale;
  }
}
