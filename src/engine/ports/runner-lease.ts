import type { WriteFence } from './write-fence';

/**
 * Which instance runs approved work. Several bot instances may serve one endpoint; only the holder of
 * the lease changes the tenant, and each write checks it right before it leaves (it is the writes' fence).
 */
export interface RunnerLease extends WriteFence {
  /** True while this instance holds the lease. */
  held(): boolean;
  /** Takes the lease if nobody holds it (or its holder stopped renewing); false otherwise. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** One instance and nobody else: the lease is always ours (a single process, and unit tests). */
export class SoleInstanceLease implements RunnerLease {
  held(): boolean {
    return true;
  }
  writableForMs(): number {
    return Number.POSITIVE_INFINITY;
  }
  async tryAcquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
}
