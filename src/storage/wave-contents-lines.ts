import { StringDecoder } from 'node:string_decoder';
import type { WaveEntry } from '../domain/waves';

/**
 * How a wave's contents are stored: JSON lines, a header naming the digest and then one entry a line, so
 * a reader parses one entry at a time and never holds the text of a 100,000-user wave (25 MB) nor its
 * copies (the download's chunks, their concatenation). Contents stored before this, one JSON document
 * `{ digest, entries }`, are still read (whole, as they were written).
 */

/** The stored text in pieces of about 64 kB, to be uploaded as they come. */
export function* waveContentsText(
  digest: string,
  entries: readonly WaveEntry[]
): Generator<string> {
  let text = `${JSON.stringify({ digest, format: 'json-lines' })}\n`;
  for (const entry of entries) {
    text += `${JSON.stringify(entry)}\n`;
    if (text.length >= 65_536) {
      yield text;
      text = '';
    }
  }
  yield text;
}

/** The stored text is not what waveContentsText (or the single document before it) wrote. */
export class UnreadableWaveContents extends Error {}

/**
 * Each entry of the stored text as its pieces come, in the order stored. Entries share one copy of each
 * SKU id and each set of disabled plans: a wave of 100,000 users holds one of each, not one per user.
 */
export async function forEachStoredEntry(
  pieces: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  visit: (entry: WaveEntry) => void
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  const share = sharedValues();
  let header: 'none' | 'lines' | 'document' = 'none';
  const line = (text: string) => {
    if (text === '') return;
    const parsed = jsonOf(text);
    if (header === 'none') {
      header = headerOf(parsed);
      if (header === 'document')
        for (const entry of (parsed as { entries: unknown[] }).entries) visit(share(entry));
      return;
    }
    if (header === 'document') throw new UnreadableWaveContents('text after the document');
    visit(share(parsed));
  };
  // The pieces of a line not yet ended: a line is joined once, when its end comes.
  let partial: string[] = [];
  for await (const piece of pieces) {
    const text = typeof piece === 'string' ? piece : decoder.write(piece);
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      partial.push(text.slice(start, end));
      line(partial.join(''));
      partial = [];
      start = end + 1;
    }
    if (start < text.length) partial.push(text.slice(start));
  }
  partial.push(decoder.end());
  line(partial.join(''));
  if (header === 'none') throw new UnreadableWaveContents('no header');
}

function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableWaveContents('a line is not JSON');
  }
}

function headerOf(parsed: unknown): 'lines' | 'document' {
  const header = parsed as { format?: unknown; entries?: unknown } | null;
  if (header?.format === 'json-lines') return 'lines';
  if (Array.isArray(header?.entries)) return 'document';
  throw new UnreadableWaveContents('the first line is neither a header nor a document');
}

/** Checks an entry's shape and gives it the shared copy of its SKU id and disabled plans. */
function sharedValues(): (entry: unknown) => WaveEntry {
  const shared = new Map<string, string | readonly string[]>();
  const share = <T extends string | readonly string[]>(key: string, value: T): T => {
    const known = shared.get(key) as T | undefined;
    if (known !== undefined) return known;
    shared.set(key, value);
    return value;
  };
  return (value) => {
    const e = value as Partial<Record<keyof WaveEntry, unknown>> | null;
    if (
      typeof e?.userId !== 'string' ||
      typeof e.userPrincipalName !== 'string' ||
      typeof e.skuId !== 'string' ||
      !Array.isArray(e.disabledPlans) ||
      !e.disabledPlans.every((p) => typeof p === 'string')
    )
      throw new UnreadableWaveContents('an entry is not a direct assignment');
    return {
      userId: e.userId,
      userPrincipalName: e.userPrincipalName,
      skuId: share(e.skuId, e.skuId),
      disabledPlans: share(JSON.stringify(e.disabledPlans), e.disabledPlans as string[]),
    };
  };
}
