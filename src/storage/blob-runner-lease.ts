import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import type { RunnerLease } from '../engine/runner-lease';
import { statusOf } from './blob-container';

const LEASE_BLOB = 'runner/lease';

/**
 * The runner's lease on one blob: whoever holds it runs approved work. It is renewed at a third of its
 * duration; a renewal that fails means another instance may take over, so `held()` turns false at once
 * and the work in hand stops. An instance that dies stops renewing, and the lease frees itself after
 * `durationSeconds` (15 to 60, Azure's range for a finite lease).
 */
export class BlobRunnerLease implements RunnerLease {
  private client: BlobLeaseClient | null = null;
  /** One id for this instance's life: after a blip it takes its own lease back at once. */
  private readonly leaseId = randomUUID();
  private renewal: NodeJS.Timeout | null = null;
  private holding = false;

  constructor(
    private readonly container: ContainerClient,
    private readonly log: (line: string) => void,
    private readonly durationSeconds = 30
  ) {}

  held(): boolean {
    return this.holding;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.holding) return true;
    const blob = this.container.getBlockBlobClient(LEASE_BLOB);
    try {
      await this.container.createIfNotExists();
      if (!(await blob.exists())) await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (error) {
      // 409/412: another instance created it at the same moment; that is fine.
      if (![409, 412].includes(statusOf(error) ?? 0)) throw error;
    }
    const client = blob.getBlobLeaseClient(this.leaseId);
    try {
      await client.acquireLease(this.durationSeconds);
    } catch (error) {
      if (statusOf(error) === 409) return false; // Held by another instance.
      throw error;
    }
    this.client = client;
    this.holding = true;
    this.renewal = setInterval(() => void this.renew(), (this.durationSeconds * 1000) / 3);
    this.renewal.unref();
    return true;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.stopHolding();
    await client?.releaseLease().catch(() => undefined);
  }

  private async renew(): Promise<void> {
    try {
      await this.client?.renewLease();
    } catch (error) {
      this.log(
        `Lost the runner lease (${statusOf(error) ?? 'no answer'}); another instance may take over.`
      );
      this.stopHolding();
    }
  }

  private stopHolding(): void {
    this.holding = false;
    this.client = null;
    if (this.renewal) clearInterval(this.renewal);
    this.renewal = null;
  }
}
