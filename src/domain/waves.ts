import { createHash } from 'node:crypto';

/**
 * Removal waves: the direct assignments that passed verification, split into waves that grow from a small
 * pilot, each frozen with a digest of its exact contents (an approval binds to that digest). All of one
 * user's SKUs go in the same wave, so a user is handled once.
 */

export interface WaveEntry {
  readonly userId: string;
  readonly userPrincipalName: string;
  readonly skuId: string;
  /** The direct assignment's disabled plans: what a restore must put back exactly. */
  readonly disabledPlans: readonly string[];
}

export interface Wave {
  readonly number: number;
  readonly entries: readonly WaveEntry[];
  readonly userCount: number;
  readonly digest: string;
}

/** Users per wave; the last may be 'rest' (everyone left). */
export type WaveSizes = readonly (number | 'rest')[];

export class WaveSizeError extends Error {}

/**
 * The most users one wave holds. At Graph's write ceiling (20 removals a second) it runs about 83
 * minutes, so an approver signs off again at least that often however large the tenant, and what a
 * running wave holds in memory (its contents, its round trips) stays bounded with it.
 */
export const MAX_WAVE_USERS = 100_000;

/** A pilot of 25, then four times larger each wave (at most MAX_WAVE_USERS) until everyone is in one. */
export function defaultWaveSizes(userCount: number): WaveSizes {
  const sizes: number[] = [];
  let covered = 0;
  for (let size = 25; covered < userCount; size = Math.min(size * 4, MAX_WAVE_USERS)) {
    sizes.push(size);
    covered += size;
  }
  return sizes;
}

/**
 * Parses "25,250,rest": whole numbers of users per wave (at most MAX_WAVE_USERS each), growing is advised
 * but not required; "rest" is everyone left, in waves of at most MAX_WAVE_USERS.
 */
export function parseWaveSizes(text: string): WaveSizes {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.some((p) => p === '')) {
    throw new WaveSizeError(
      'Give wave sizes as numbers of users separated by commas, e.g. 25,250,rest.'
    );
  }
  return parts.map((part, index) => {
    if (part.toLowerCase() === 'rest') {
      if (index !== parts.length - 1) throw new WaveSizeError('"rest" can only be the last wave.');
      return 'rest' as const;
    }
    if (!/^\d+$/.test(part) || Number(part) < 1) {
      throw new WaveSizeError(
        `"${part}" is not a number of users; use whole numbers from 1 up, or "rest" last.`
      );
    }
    if (Number(part) > MAX_WAVE_USERS)
      throw new WaveSizeError(
        `A wave holds at most ${MAX_WAVE_USERS.toLocaleString('en-US')} users ("${part}" is more); use more waves, or "rest" last.`
      );
    return Number(part);
  });
}

/**
 * A digest of a wave's exact contents, independent of the order they are listed in: the SHA-256 of the
 * JSON of [user id, SKU id, sorted plans] (lower case) for every entry, sorted by user and SKU. Hashed
 * entry by entry, so a 100,000-user wave's check holds its sort keys, not a canonical copy of it and
 * one long JSON text (~60 MB); the bytes hashed are the same, so digests already stored stay valid.
 */
export function waveDigest(entries: readonly WaveEntry[]): string {
  const keys = entries.map((e) => `${e.userId.toLowerCase()}|${e.skuId.toLowerCase()}`);
  const order = Array.from(keys, (_, index) => index).sort((a, b) => (keys[a] < keys[b] ? -1 : 1));
  const hash = createHash('sha256');
  let text = '[';
  for (const [position, index] of order.entries()) {
    const e = entries[index];
    const plans = e.disabledPlans.map((p) => p.toLowerCase()).sort();
    text += `${position === 0 ? '' : ','}${JSON.stringify([e.userId.toLowerCase(), e.skuId.toLowerCase(), plans])}`;
    // Handed over in pieces of about 64 kB: few calls, none of them large.
    if (text.length >= 65_536) {
      hash.update(text);
      text = '';
    }
  }
  return hash.update(`${text}]`).digest('hex');
}

/**
 * Splits entries into waves by user, in the order given (the caller puts the pilot's users first).
 * Users beyond the given sizes (a list without "rest") are left for waves planned later.
 */
export function splitIntoWaves(entries: readonly WaveEntry[], sizes: WaveSizes): Wave[] {
  const byUser = new Map<string, WaveEntry[]>();
  for (const entry of entries) {
    const list = byUser.get(entry.userId);
    if (list) list.push(entry);
    else byUser.set(entry.userId, [entry]);
  }
  const users = [...byUser.values()];
  const waves: Wave[] = [];
  let next = 0;
  for (let index = 0; index < sizes.length && next < users.length; index++) {
    const size = sizes[index];
    const take = size === 'rest' ? Math.min(users.length - next, MAX_WAVE_USERS) : size;
    // "rest" goes on filling waves until everyone is in one.
    if (size === 'rest') index -= 1;
    const waveUsers = users.slice(next, next + take);
    next += waveUsers.length;
    const waveEntries = waveUsers.flat();
    waves.push({
      number: waves.length + 1,
      entries: waveEntries,
      userCount: waveUsers.length,
      digest: waveDigest(waveEntries),
    });
  }
  return waves;
}
