import { inPopulationOrder } from '../../src/domain/population-order';

describe('the order the licensing groups are filled in', () => {
  it('starts with the group that has the most members to add: its license processing takes longest', () => {
    const groups = [
      { displayName: 'E3 small', toAdd: 12 },
      { displayName: 'E5 all', toAdd: 9_492 },
      { displayName: 'F3 none', toAdd: 0 },
      { displayName: 'E3 mid', toAdd: 400 },
    ];
    expect(inPopulationOrder(groups).map((g) => g.displayName)).toEqual([
      'E5 all',
      'E3 mid',
      'E3 small',
      'F3 none',
    ]);
  });

  it('keeps the plan order between groups of the same size, and leaves the plan itself as it was', () => {
    const groups = [
      { displayName: 'A', toAdd: 5 },
      { displayName: 'B', toAdd: 5 },
      { displayName: 'C', toAdd: 7 },
    ];
    expect(inPopulationOrder(groups).map((g) => g.displayName)).toEqual(['C', 'A', 'B']);
    expect(groups.map((g) => g.displayName)).toEqual(['A', 'B', 'C']);
  });
});
