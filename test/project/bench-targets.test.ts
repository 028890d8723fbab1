/**
 * The benchmark's verdicts on issue 17's targets (bench/targets.js): each computed from one run's
 * measurements, set beside its limit, met or missed.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const targets = require('../../bench/targets') as {
  lowerBound(
    run: { groups: { added: number; created: boolean }[]; removals: number },
    processing: { queuedMs: number; usersPerSecond: number }
  ): { seconds: number; writes: number; formula: string };
  targetRows(run: Record<string, unknown>): {
    rows: { target: string; result: string; met: boolean | null; note: string }[];
  };
};

const processing = { queuedMs: 30_000, usersPerSecond: 100 };
const groups = [
  { added: 951, created: true },
  { added: 41, created: true },
  { added: 200, created: false },
];
const run = {
  users: 1000,
  population: { groups, writes: 60 },
  removals: 994,
  waveSeconds: 52,
  throttled: 0,
  totalSeconds: 110,
  naive: { measured: true, inventorySeconds: 200, removalSeconds: 200 },
  peakRssMb: 230,
  statusP95Ms: 150,
  processing,
  followUpWaits: { waits: 3, lagSeconds: 30 },
};
const verdicts = (r: Record<string, unknown>) =>
  Object.fromEntries(targets.targetRows(r).rows.map((row) => [row.target, row.met]));

describe('the benchmark against issue 17', () => {
  it('bounds a migration by its writes at 20/s plus Entra processing its largest group', () => {
    const bound = targets.lowerBound({ groups, removals: 994 }, processing);
    // ⌈951/20⌉ + ⌈41/20⌉ + ⌈200/20⌉ = 48 + 3 + 10 population writes, 2 creations, 3 licenses, 994 removals.
    expect(bound.writes).toBe(61 + 2 + 3 + 994);
    expect(bound.seconds).toBeCloseTo(1060 / 20 + 30 + 9.51);
    expect(bound.formula).toContain('÷ 20/s');
  });

  it('says met or missed for each target from the same run', () => {
    expect(verdicts(run)).toEqual({
      'group population writes ≤ 1.05 × Σ⌈members/20⌉ + groups': true,
      'removals/s while a wave runs ≥ 95 % of 20/s': true,
      'requests failed for throttling (429)': true,
      'whole migration ≤ 1.25 × lower bound': true,
      '≥ 3 × faster end to end than the naive script': true,
      'bot peak RSS': true,
      '`status` p95 while a wave runs': true,
    });
    expect(
      verdicts({ ...run, population: { groups, writes: 68 }, throttled: 1, totalSeconds: 150 })
    ).toMatchObject({
      'group population writes ≤ 1.05 × Σ⌈members/20⌉ + groups': false,
      'requests failed for throttling (429)': false,
      'whole migration ≤ 1.25 × lower bound': false,
      '≥ 3 × faster end to end than the naive script': false,
    });
  });

  it('extrapolates the naive script from a measured rate, and says so', () => {
    const naive = { measured: false, usersPerSecond: 1, source: 'the 10,000-user naive run above' };
    const row = targets
      .targetRows({ ...run, users: 100_000, naive, totalSeconds: 30_000 })
      .rows.find((r) => r.target.includes('naive'));
    expect(row).toMatchObject({ result: '3.33 ×', met: true });
    expect(row?.note).toMatch(
      /extrapolated from 1\.00 users\/s \(the 10,000-user naive run above\)/
    );
  });
});
