import fc from 'fast-check';
import type { WaveEntry } from '../../src/domain/waves';
import {
  forEachStoredEntry,
  UnreadableWaveContents,
  waveContentsText,
} from '../../src/storage/wave-contents-lines';

const entry = fc.record({
  userId: fc.uuid(),
  userPrincipalName: fc
    .string({ unit: 'grapheme', maxLength: 12 })
    .map((s) => `${s}@contoso.example`),
  skuId: fc.constantFrom('sku-e3', 'sku-e5'),
  disabledPlans: fc.uniqueArray(fc.constantFrom('p1', 'p2', 'p3'), { maxLength: 2 }),
});

async function entriesOf(pieces: Iterable<Buffer | string>): Promise<WaveEntry[]> {
  const entries: WaveEntry[] = [];
  await forEachStoredEntry(pieces, (e) => entries.push(e));
  return entries;
}

/** A wave's stored contents read one entry at a time, however the download splits its bytes. */
describe("a wave's contents in JSON lines", () => {
  it('reads back every entry as saved, wherever the bytes are split (even inside a character)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entry, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        async (entries, cuts) => {
          const bytes = Buffer.from([...waveContentsText('d1', entries)].join(''), 'utf8');
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const pieces = [0, ...at].map((start, i) =>
            bytes.subarray(start, [...at, bytes.length][i])
          );
          expect(await entriesOf(pieces)).toEqual(entries);
        }
      )
    );
  });

  it('shares one copy of each SKU id and each set of disabled plans among the entries', async () => {
    const alike = (userId: string) => ({
      userId,
      userPrincipalName: `${userId}@contoso.example`,
      skuId: 'sku-e3',
      disabledPlans: ['p1'],
    });
    const [a, b] = await entriesOf(waveContentsText('d1', [alike('a'), alike('b')]));
    expect(a.skuId).toBe(b.skuId);
    expect(a.disabledPlans).toBe(b.disabledPlans);
  });

  it('reads contents stored before as one document', async () => {
    const entries = [{ userId: 'a', userPrincipalName: 'a@x', skuId: 's', disabledPlans: [] }];
    expect(await entriesOf([JSON.stringify({ digest: 'd1', entries })])).toEqual(entries);
  });

  it.each([
    ['an empty text', ''],
    ['a text that is not JSON', 'not json'],
    ['a first line neither header nor document', '{"digest":"d1"}\n'],
    [
      'an entry without its SKU',
      '{"format":"json-lines"}\n{"userId":"a","userPrincipalName":"a@x"}\n',
    ],
    ['a cut-off entry', '{"format":"json-lines"}\n{"userId":"a","userPri'],
    ['text after a document', '{"entries":[]}\n{"userId":"a"}\n'],
  ])('refuses %s, saying the contents are not readable', async (_, text) => {
    await expect(entriesOf([text])).rejects.toThrow(UnreadableWaveContents);
  });
});
