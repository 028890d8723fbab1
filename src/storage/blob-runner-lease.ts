import { randomUUID } from 'node:crypto';
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import type { RunnerLease } from '../engine/ports/runner-lease';
import { statusOf } from './blob-container';

const LEASE_BLOB = 'runner/lease';
/** Margin before the lease's end at which this instance stops writing, for clock drift and slow calls. */
const SAFETY_MS = 5_000;
const RENEWAL_TIMEOUT_MS = 5_000;

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
  /** Until when the lease is surely ours: the last renewal plus its duration, less a safety margin. */
  private validUntil = 0;

  constructor(
    private readonly container: ContainerClient,
    private readonly log: (line: string) => void,
    private readonly durationSeconds = 30
  ) {}

  held(): boolean {
    return this.writableForMs() > 0;
  }

  writableForMs(): number {
    // Not just a flag: a renewal that hangs must not let this instance write past the lease's end.
    return this.holding ? Math.max(0, this.validUntil - Date.now()) : 0;
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
    const askedAt = Date.now();
    try {
      await client.acquireLease(this.durationSeconds);
    } catch (error) {
      if (statusOf(error) === 409) return false; // Held by another instance.
      throw error;
    }
    this.client = client;
    this.holding = true;
    this.validUntil = askedAt + this.durationSeconds * 1000 - SAFETY_MS;
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
    const askedAt = Date.now();
    try {
      // A short deadline: a renewal that cannot answer in time counts as lost.
      await this.client?.renewLease({ abortSignal: AbortSignal.timeout(RENEWAL_TIMEOUT_MS) });
      this.validUntil = askedAt + this.durationSeconds * 1000 - SAFETY_MS;
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
