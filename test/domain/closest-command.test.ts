import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, closestCommand, editDistance } from '../../src/domain/commands';

describe('a reply to text that is not a command names the closest one', () => {
  it.each([
    ['inventroy', 'inventory'],
    ['Inventory please', 'inventory'],
    ['hlep', 'help'],
    ['inv', 'inventory'],
    ['wavs', 'waves'],
    ['rollbak 2', 'rollback'],
    ['', 'help'],
  ])('"%s" is closest to %s', (typed, expected) => {
    expect(closestCommand(typed).name).toBe(expected);
  });

  it('knows every command the Teams manifest offers in its command menu', () => {
    const manifest = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'appPackage', 'manifest.json'), 'utf8')
    ) as { bots: { commandLists: { commands: { title: string }[] }[] }[] };
    const offered = manifest.bots[0].commandLists.flatMap((list) =>
      list.commands.map((c) => c.title)
    );
    expect(
      offered.filter((title) => !COMMANDS.some((c) => c.name === title.split(' ')[0]))
    ).toEqual([]);
  });

  it('measures edits between words', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
