import fc from 'fast-check';
import {
  manyUserReadWay,
  pageRounds,
  perUserRounds,
  type ManyUserReadLimits,
} from '../../src/domain/many-user-reads';
import { lastCountedUsers, withCountedPoint } from '../../src/domain/progress-point';
import { record } from '../support/migration-records';

/** Graph's: 20 reads to a `$batch`, four batches in flight, 999 users to a page as long as three rounds. */
const GRAPH: ManyUserReadLimits = {
  usersPerRoundTrip: 20,
  roundTripsInFlight: 4,
  usersPerPage: 999,
  roundsPerPage: 3,
};

describe('how many users are read fresh', () => {
  it.each([
    ['a pilot of 25 in a tenant of 100,000', 25, 100_000, 'per-user'],
    [
      'a wave of 6,400 in a tenant of 100,000 (80 rounds of batches, 101 pages)',
      6_400,
      100_000,
      'per-user',
    ],
    [
      'a wave of 10,000 in a tenant of 100,000 (125 rounds of batches, 101 pages as long as 303)',
      10_000,
      100_000,
      'per-user',
    ],
    ["the last wave's 65,000 of 100,000", 65_000, 100_000, 'pages'],
    ['a group of 175,000 members to add in a tenant of 200,000', 175_000, 200_000, 'pages'],
    ['all 1,000 users of the demo tenant', 1_000, 1_000, 'pages'],
    ['80 users of a tenant of 500 (one round of batches, one page)', 80, 500, 'per-user'],
    ['65,000 users of a tenant of unknown size', 65_000, null, 'per-user'],
    ['nobody', 0, 100_000, 'per-user'],
  ] as const)('%s', (_case, asked, tenantUsers, way) => {
    expect(manyUserReadWay(asked, tenantUsers, GRAPH)).toBe(way);
  });

  it('reads pages only when they take less time than the batches they replace', () => {
    fc.assert(
      fc.property(fc.nat(300_000), fc.nat(300_000), (asked, tenantUsers) => {
        const way = manyUserReadWay(asked, tenantUsers, GRAPH);
        const cheaper = pageRounds(tenantUsers, GRAPH) < perUserRounds(asked, GRAPH);
        expect(way).toBe(cheaper ? 'pages' : 'per-user');
        // More users asked of the same tenant never go back to reading each one.
        if (way === 'pages') expect(manyUserReadWay(asked + 1, tenantUsers, GRAPH)).toBe('pages');
      })
    );
  });

  it('knows the tenant size from the latest count that kept it, and nothing before any count', () => {
    const at = new Date('2026-11-30T10:00:00Z');
    expect(lastCountedUsers(record())).toBeNull();
    // A point counted before the size was kept says nothing of it.
    const older = withCountedPoint(record(), 'before the groups', at, { skus: [] });
    expect(lastCountedUsers(older)).toBeNull();
    const counted = withCountedPoint(older, 'groups assigned', at, { skus: [], userCount: 1_000 });
    const later = withCountedPoint(counted, 'after wave 1', at, { skus: [], userCount: 1_004 });
    expect(lastCountedUsers(counted)).toBe(1_000);
    expect(lastCountedUsers(later)).toBe(1_004);
    expect(lastCountedUsers(withCountedPoint(later, 'old', at, { skus: [] }))).toBe(1_004);
  });
});
