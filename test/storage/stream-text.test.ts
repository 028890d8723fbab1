import { Readable } from 'node:stream';
import fc from 'fast-check';
import { streamText } from '../../src/storage/blob-migration-store';

describe("a blob's text as it downloads", () => {
  it('is the text stored, wherever the download splits its bytes (even inside a character)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8');
          const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...at].map((start, i) =>
            bytes.subarray(start, [...at, bytes.length][i])
          );
          expect(await streamText(Readable.from(chunks))).toBe(text);
        }
      )
    );
  });

  it('is empty when there is no body', async () => {
    expect(await streamText(undefined)).toBe('');
  });
});
