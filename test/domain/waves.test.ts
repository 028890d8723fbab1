import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  MAX_WAVE_USERS,
  defaultWaveSizes,
  parseWaveSizes,
  splitIntoWaves,
  waveDigest,
  type WaveEntry,
} from '../../src/domain/waves';

const entry = fc.record({
  userId: fc.constantFrom(...Array.from({ length: 60 }, (_, i) => `user-${i}`)),
  userPrincipalName: fc.constant('x@contoso.example'),
  skuId: fc.constantFrom('sku-ems', 'sku-e3', 'sku-e5'),
  disabledPlans: fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 2 }),
});
/** Direct assignments: one per (user, SKU). */
const entries = fc.uniqueArray(entry, {
  selector: (e) => `${e.userId}|${e.skuId}`,
  maxLength: 120,
});
const sizes = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 30 }), { minLength: 1, maxLength: 5 }), fc.boolean())
  .map(([numbers, rest]) => (rest ? [...numbers, 'rest' as const] : numbers));

describe('removal waves', () => {
  it('put every direct assignment in at most one wave, and all of them when the sizes end with "rest"', () => {
    fc.assert(
      fc.property(entries, sizes, (list, waveSizes) => {
        const waves = splitIntoWaves(list, waveSizes);
        const planned = waves.flatMap((w) => w.entries.map((e) => `${e.userId}|${e.skuId}`));
        expect(new Set(planned).size).toBe(planned.length);
        if (waveSizes[waveSizes.length - 1] === 'rest') expect(planned.length).toBe(list.length);
      })
    );
  });

  it('never split one user across waves, and never put more users in a wave than its size', () => {
    fc.assert(
      fc.property(entries, sizes, (list, waveSizes) => {
        const waves = splitIntoWaves(list, waveSizes);
        const waveOfUser = new Map<string, number>();
        for (const wave of waves) {
          const size = waveSizes[wave.number - 1];
          if (size !== 'rest') expect(wave.userCount).toBeLessThanOrEqual(size);
          expect(new Set(wave.entries.map((e) => e.userId)).size).toBe(wave.userCount);
          for (const e of wave.entries) {
            expect(waveOfUser.get(e.userId) ?? wave.number).toBe(wave.number);
            waveOfUser.set(e.userId, wave.number);
          }
        }
      })
    );
  });

  it('digest a wave by its contents: the order does not matter, any change does', () => {
    fc.assert(
      fc.property(
        entries.filter((l) => l.length > 0),
        fc.integer(),
        (list, seed) => {
          const turn = Math.abs(seed) % list.length;
          const reordered = [...list.slice(turn), ...list.slice(0, turn)].reverse();
          expect(waveDigest(reordered)).toBe(waveDigest(list));
          const changed: WaveEntry[] = [
            { ...list[0], disabledPlans: [...list[0].disabledPlans, 'p-new'] },
            ...list.slice(1),
          ];
          expect(waveDigest(changed)).not.toBe(waveDigest(list));
          expect(waveDigest(list.slice(1))).not.toBe(waveDigest(list));
        }
      )
    );
  });

  it('keep the digests of waves stored before: the same bytes are hashed, mixed case and long waves alike', () => {
    // The digest as first written: one canonical copy of the wave, hashed as one JSON text.
    const asFirstWritten = (list: readonly WaveEntry[]) => {
      const canonical = list
        .map((e) => [
          e.userId.toLowerCase(),
          e.skuId.toLowerCase(),
          [...e.disabledPlans].map((p) => p.toLowerCase()).sort(),
        ])
        .sort((a, b) => (`${a[0]}|${a[1]}` < `${b[0]}|${b[1]}` ? -1 : 1));
      return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
    };
    const mixedCase = fc.record({
      userId: fc.constantFrom('User-A', 'user-b', 'USER-C', 'uSeR-d'),
      userPrincipalName: fc.constant('x@contoso.example'),
      skuId: fc.constantFrom('SKU-E3', 'sku-e5', 'Sku-Ems'),
      disabledPlans: fc.array(fc.constantFrom('P1', 'p2', 'Exchange_S'), { maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(mixedCase, { maxLength: 30 }), (list) => {
        expect(waveDigest(list)).toBe(asFirstWritten(list));
      })
    );
    // Long enough to be hashed in several pieces.
    const long = Array.from({ length: 5_000 }, (_, i) => ({
      userId: `user-${(i * 7919) % 5_000}`,
      userPrincipalName: `u${i}@contoso.example`,
      skuId: i % 2 ? 'sku-e3' : 'sku-e5',
      disabledPlans: i % 3 ? ['p2', 'P1'] : [],
    }));
    expect(waveDigest(long)).toBe(asFirstWritten(long));
  });

  it('start with a pilot of 25 and grow fourfold by default', () => {
    expect(defaultWaveSizes(1000)).toEqual([25, 100, 400, 1600]);
    expect(defaultWaveSizes(10)).toEqual([25]);
  });

  it('hold at most 100,000 users each, however large the tenant, so a sign-off comes at least every ~83 minutes of removals', () => {
    const sizes = defaultWaveSizes(500_000);
    expect(sizes).toEqual([
      25, 100, 400, 1600, 6400, 25600, 100_000, 100_000, 100_000, 100_000, 100_000,
    ]);
    expect(defaultWaveSizes(100_000)).toEqual([25, 100, 400, 1600, 6400, 25600, 100_000]);
    // "rest" fills waves of at most that many until everyone is in one.
    const users = 2 * MAX_WAVE_USERS + 1;
    const waves = splitIntoWaves(
      Array.from({ length: users }, (_, i) => ({
        userId: `user-${i}`,
        userPrincipalName: `u${i}@contoso.example`,
        skuId: 'sku-ems',
        disabledPlans: [],
      })),
      [1, 'rest']
    );
    expect(waves.map((w) => [w.number, w.userCount])).toEqual([
      [1, 1],
      [2, MAX_WAVE_USERS],
      [3, MAX_WAVE_USERS],
    ]);
  });

  it.each([
    ['25,250,rest', [25, 250, 'rest']],
    ['10', [10]],
    [' 5 , REST ', [5, 'rest']],
  ])('read the sizes "%s"', (text, expected) => {
    expect(parseWaveSizes(text)).toEqual(expected);
  });

  it.each([
    ['rest,25', /"rest" can only be the last wave/],
    ['25,,250', /separated by commas/],
    ['0,25', /"0" is not a number of users/],
    ['ten', /"ten" is not a number of users/],
    ['25,150000', /at most 100,000 users \("150000" is more\)/],
  ])('refuse the sizes "%s" with a reason', (text, message) => {
    expect(() => parseWaveSizes(text)).toThrow(message);
  });
});
