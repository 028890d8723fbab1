import { createHash } from 'node:crypto';

/**
 * A GUID derived from a seed string, shaped like a version-4 GUID. Scenarios use it so that the same
 * tenant has the same object ids on every run (the Playground file and tests name them).
 */
export function deterministicId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
