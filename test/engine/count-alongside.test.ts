import fc from 'fast-check';
import { countAlongside } from '../../src/engine/count-alongside';
import { takeInventory } from '../../src/engine/take-inventory';
import { verifyDirectRemovals } from '../../src/engine/verify-removals';
import { InMemoryDirectory, activeRow, userNamed } from '../support/in-memory-directory';
import { E3, E3_GROUP } from '../support/runner-fixture';

/** Each user: E3 held directly, through the group, both, or not at all. */
const holdings = fc.array(fc.constantFrom('none', 'direct', 'group', 'both'), { maxLength: 40 });

function tenantOf(held: readonly string[]): InMemoryDirectory {
  return new InMemoryDirectory([E3])
    .withGroup(E3_GROUP, 'Office E3 licensing', [E3.skuId])
    .withUsers(
      ...held.map((h, i) => ({
        ...userNamed(`user-${i}`),
        licenseAssignmentStates: [
          ...(h === 'direct' || h === 'both' ? [activeRow(E3.skuId, null)] : []),
          ...(h === 'group' || h === 'both' ? [activeRow(E3.skuId, E3_GROUP)] : []),
        ],
      }))
    );
}

describe('a count of the licenses made alongside another read of every user', () => {
  it('counts what a count of its own would, from the verify', async () => {
    await fc.assert(
      fc.asyncProperty(holdings, async (held) => {
        const tenant = tenantOf(held);
        const counting = countAlongside(tenant);

        await verifyDirectRemovals(counting.reader);

        const own = await takeInventory(tenant);
        expect(counting.counted()?.skus).toEqual(own.skus);
        expect(counting.counted()?.userCount).toBe(own.userCount);
      }),
      { numRuns: 30 }
    );
  });

  it('counts nothing from a read that did not finish', async () => {
    const tenant = tenantOf(['direct', 'both', 'group']);
    const counting = countAlongside(tenant);
    let seen = 0;

    await expect(
      counting.reader.forEachUser(() => {
        if (++seen === 2) throw new Error('the page after the first could not be read');
      })
    ).rejects.toThrow('could not be read');

    expect(counting.counted()).toBeNull();
  });
});
