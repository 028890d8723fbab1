/**
 * Sets of user ids a pass over the tenant asks about every user: who is in a wave, whose removal stands.
 * At 500,000 users a Set of id strings is ~40 MB; Entra's ids are GUIDs, kept here as 16 bytes each.
 */

/** Lower-case user ids, asked about one at a time. */
export interface UserIds extends Iterable<string> {
  has(id: string): boolean;
  readonly size: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * User ids added, then asked about (case-insensitive): GUIDs as four 32-bit words in a typed array,
 * sorted once on the first question after an add and found by binary search; any other id in a Set.
 */
export class CompactUserIds implements UserIds {
  private words = new Uint32Array(4 * 1024);
  private added = 0;
  private sortedCount = 0;
  private readonly others = new Set<string>();
  private readonly key = new Uint32Array(4);

  add(id: string): void {
    if (!GUID.test(id)) {
      this.others.add(id.toLowerCase());
      return;
    }
    if (4 * (this.added + 1) > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    writeGuid(this.words, 4 * this.added, id);
    this.added += 1;
  }

  has(id: string): boolean {
    if (!GUID.test(id)) return this.others.has(id.toLowerCase());
    this.sort();
    const key = this.key;
    writeGuid(key, 0, id);
    let low = 0;
    let high = this.sortedCount - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = compareAt(this.words, 4 * middle, key, 0);
      if (order === 0) return true;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  get size(): number {
    this.sort();
    return this.sortedCount + this.others.size;
  }

  /** The bytes the GUIDs take once sorted (the other ids' Set not counted). */
  memoryBytes(): number {
    this.sort();
    return this.words.byteLength;
  }

  *[Symbol.iterator](): Iterator<string> {
    this.sort();
    for (let index = 0; index < this.sortedCount; index++) yield guidAt(this.words, 4 * index);
    yield* this.others;
  }

  /** Sorts what was added since the last sort, each GUID once, and keeps no spare room. */
  private sort(): void {
    if (this.added === this.sortedCount) return;
    const words = this.words;
    const order = new Uint32Array(this.added).map((_, index) => index);
    order.sort((a, b) => compareAt(words, 4 * a, words, 4 * b));
    const sorted = new Uint32Array(4 * this.added);
    let count = 0;
    for (const index of order) {
      if (count > 0 && compareAt(sorted, 4 * (count - 1), words, 4 * index) === 0) continue;
      sorted.set(words.subarray(4 * index, 4 * index + 4), 4 * count);
      count += 1;
    }
    this.words = sorted.slice(0, 4 * count);
    this.added = count;
    this.sortedCount = count;
  }
}

function writeGuid(words: Uint32Array, at: number, guid: string): void {
  const hex = guid.replace(/-/g, '');
  for (let word = 0; word < 4; word++)
    words[at + word] = parseInt(hex.slice(8 * word, 8 * word + 8), 16);
}

function guidAt(words: Uint32Array, at: number): string {
  const hex = Array.from(words.subarray(at, at + 4), (w) => w.toString(16).padStart(8, '0')).join(
    ''
  );
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function compareAt(a: Uint32Array, at: number, b: Uint32Array, bt: number): number {
  for (let word = 0; word < 4; word++)
    if (a[at + word] !== b[bt + word]) return a[at + word] < b[bt + word] ? -1 : 1;
  return 0;
}
