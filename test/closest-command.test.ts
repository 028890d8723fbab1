import { closestCommand, editDistance } from '../src/domain/commands';

describe('a reply to text that is not a command names the closest one', () => {
  it.each([
    ['inventroy', 'inventory'],
    ['Inventory please', 'inventory'],
    ['hlep', 'help'],
    ['inv', 'inventory'],
    ['wave', 'waves'],
    ['', 'help'],
  ])('"%s" is closest to %s', (typed, expected) => {
    expect(closestCommand(typed).name).toBe(expected);
  });

  it('measures edits between words', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
