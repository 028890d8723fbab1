import fc from 'fast-check';
import { CompactUserIds } from '../../src/domain/user-id-set';

/** Ids as Entra writes them (GUIDs, any case) and as tests and other directories might (anything). */
const id = fc.oneof(
  fc.uuid().map((u) => u.toLowerCase()),
  fc.uuid().map((u) => u.toUpperCase()),
  fc.constantFrom('user-a', 'User-A', 'bob', '00000000-0000-0000-0000-00000000000g')
);
const step = fc.oneof(fc.record({ add: id }), fc.record({ ask: id }));

describe('a compact set of user ids', () => {
  it('answers as a Set of lower-case ids would, however adds and questions interleave', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 200 }),
        fc.array(id, { maxLength: 20 }),
        (steps, extra) => {
          const compact = new CompactUserIds();
          const reference = new Set<string>();
          for (const s of steps) {
            if ('add' in s) {
              compact.add(s.add);
              reference.add(s.add.toLowerCase());
            } else expect(compact.has(s.ask)).toBe(reference.has(s.ask.toLowerCase()));
          }
          for (const other of [...extra, ...reference])
            expect(compact.has(other)).toBe(reference.has(other.toLowerCase()));
          expect(compact.size).toBe(reference.size);
          expect(new Set(compact)).toEqual(reference);
        }
      )
    );
  });

  it('holds 500,000 GUIDs in 16 bytes each', () => {
    const compact = new CompactUserIds();
    const guid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    for (let i = 0; i < 500_000; i++) compact.add(guid((i * 7_919) % 500_000));
    expect(compact.size).toBe(500_000);
    expect(compact.has(guid(123_456))).toBe(true);
    expect(compact.has(guid(500_000))).toBe(false);
    expect(compact.memoryBytes()).toBe(500_000 * 16);
  });
});
