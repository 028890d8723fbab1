import { MAX_WAVE_USERS, waveDigest, type Wave, type WaveEntry, type WaveSizes } from './waves';

/** How one direct assignment that may go looks, shared by every user who holds it the same way. */
interface CandidateShape {
  readonly skuId: string;
  readonly disabledPlans: readonly string[];
  /** Verification's reason it may go (the product and the groups it comes from). */
  readonly reason: string;
}

/** One candidate as the spot-check shows it. */
export interface CandidateRow {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  readonly reason: string;
}

/**
 * The direct assignments that passed verification, in the order read, kept as compactly as splitting them
 * into waves allows: each user's id and name once, and each assignment as the index of its shape (SKU,
 * disabled plans, reason), of which a tenant has a handful. WaveEntry objects are made only for the waves
 * being split, so holding every candidate of a 500,000-user tenant costs a few numbers per assignment.
 */
export class WaveCandidates {
  private readonly userIds: string[] = [];
  private readonly names: string[] = [];
  /** Where each user's assignments start in `shapeOf`. */
  private readonly starts: number[] = [];
  private readonly shapeOf: number[] = [];
  private readonly shapes: CandidateShape[] = [];
  private readonly shapeIndex = new Map<string, number>();

  /** Adds one assignment; one user's assignments are added one after another (a user is read once). */
  add(
    user: { readonly id: string; readonly userPrincipalName: string },
    skuId: string,
    disabledPlans: readonly string[],
    reason: string
  ): void {
    if (this.userIds[this.userIds.length - 1] !== user.id) {
      this.userIds.push(user.id);
      this.names.push(user.userPrincipalName);
      this.starts.push(this.shapeOf.length);
    }
    this.shapeOf.push(this.internShape(skuId, disabledPlans, reason));
  }

  /** How many direct assignments may go. */
  get length(): number {
    return this.shapeOf.length;
  }

  /** How many users they belong to. */
  get userCount(): number {
    return this.userIds.length;
  }

  /** The assignments of users `from` up to (not including) `to`, in the order read. */
  entries(from = 0, to = this.userCount): WaveEntry[] {
    const entries: WaveEntry[] = [];
    for (let user = from; user < Math.min(to, this.userCount); user++) {
      for (let i = this.starts[user]; i < this.endOf(user); i++) {
        const { skuId, disabledPlans } = this.shapes[this.shapeOf[i]];
        entries.push({
          userId: this.userIds[user],
          userPrincipalName: this.names[user],
          skuId,
          disabledPlans,
        });
      }
    }
    return entries;
  }

  /** The assignment at `index` (0 ≤ index < length), with why it may go. */
  row(index: number): CandidateRow {
    const user = this.userAt(index);
    const { skuId, reason } = this.shapes[this.shapeOf[index]];
    return { id: this.userIds[user], userPrincipalName: this.names[user], skuId, reason };
  }

  private endOf(user: number): number {
    return user + 1 < this.starts.length ? this.starts[user + 1] : this.shapeOf.length;
  }

  /** The user an assignment belongs to: the last whose start is at or before it. */
  private userAt(index: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.starts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  private internShape(skuId: string, disabledPlans: readonly string[], reason: string): number {
    const key = JSON.stringify([skuId, disabledPlans, reason]);
    let index = this.shapeIndex.get(key);
    if (index === undefined) {
      index = this.shapes.length;
      // A copy, so the user's snapshot (and its page) is not kept alive by the shape.
      this.shapes.push({ skuId, disabledPlans: [...disabledPlans], reason });
      this.shapeIndex.set(key, index);
    }
    return index;
  }
}

/**
 * splitIntoWaves over compactly kept candidates: the same waves, digests and order as
 * `splitIntoWaves(candidates.entries(), sizes)`, with entries made only for the users in a wave.
 */
export function splitCandidatesIntoWaves(candidates: WaveCandidates, sizes: WaveSizes): Wave[] {
  return [...candidateWaves(candidates, sizes)];
}

/** The same waves one at a time, so a caller that stores each on its own holds one wave's entries. */
export function* candidateWaves(candidates: WaveCandidates, sizes: WaveSizes): Generator<Wave> {
  let next = 0;
  let number = 0;
  for (let index = 0; index < sizes.length && next < candidates.userCount; index++) {
    const size = sizes[index];
    const left = candidates.userCount - next;
    const userCount = Math.min(size === 'rest' ? MAX_WAVE_USERS : size, left);
    // "rest" goes on filling waves until everyone is in one.
    if (size === 'rest') index -= 1;
    const entries = candidates.entries(next, next + userCount);
    next += userCount;
    number += 1;
    yield { number, entries, userCount, digest: waveDigest(entries) };
  }
}
