/**
 * Which instance runs approved work. Several bot instances may serve one endpoint; only the holder of
 * the lease removes licenses, and it stops at once when it loses the lease.
 */
export interface RunnerLease {
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
  async tryAcquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
}
