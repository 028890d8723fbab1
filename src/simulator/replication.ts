import { notFound } from './graph-error';
import { seededRandom } from './seeded-random';

/**
 * Entra ID's eventual consistency: every read is served by a replica that may lag behind the latest
 * writes by up to `lagMs` (simulated), drawn afresh for each object on each read, and an object created
 * less than that long ago may not be there at all (404 `Request_ResourceNotFound`). Microsoft: "A
 * successful write to Microsoft Entra does not guarantee that an immediate read will reflect that change
 * … a newly created object [may] return a 'Not Found'" (Designing for Eventual Consistency for Microsoft
 * Entra, Microsoft Entra identity blog). Writes are applied to the primary at once; only reads lag.
 */
export class Replication {
  /** Simulated ms at which each recent object was created. */
  private readonly created = new Map<string, number>();
  /** Per object, its state just before each recent change (oldest first), for lagging replicas. */
  private readonly history = new Map<string, { at: number; before: unknown }[]>();

  constructor(
    readonly lagMs: number,
    private readonly nowMs: () => number,
    private readonly random: () => number = seededRandom(16)
  ) {}

  /** A new object: lagging replicas do not have it yet. */
  recordCreated(id: string): void {
    if (this.lagMs > 0) this.created.set(id.toLowerCase(), this.nowMs());
  }

  /** Called before an object changes, with its state as replicas that lag still serve it. */
  recordChange(id: string, before: () => unknown): void {
    if (this.lagMs <= 0) return;
    const key = id.toLowerCase();
    const now = this.nowMs();
    const kept = (this.history.get(key) ?? []).filter((v) => v.at > now - this.lagMs);
    kept.push({ at: now, before: before() });
    this.history.set(key, kept);
  }

  /** The moment (simulated ms) the replica serving this read has caught up to. */
  private replicaTime(): number {
    return this.nowMs() - this.random() * this.lagMs;
  }

  /** Throws Graph's 404 when the replica answering has not seen the object's creation yet. */
  requireReplicated(id: string): void {
    if (!this.isReplicated(id, this.replicaTime())) throw notFound(id);
  }

  private isReplicated(id: string, replicaTime: number): boolean {
    const createdAt = this.created.get(id.toLowerCase());
    if (createdAt === undefined) return true;
    if (createdAt <= this.nowMs() - this.lagMs) this.created.delete(id.toLowerCase());
    return createdAt <= replicaTime;
  }

  /**
   * What a read of one object gets: 404 if its replica lacks it, else its state as that replica has it
   * (`current` when the replica has caught up with every change, else the state before the first change
   * the replica has not seen).
   */
  served<T>(id: string, current: T): T {
    const replicaTime = this.replicaTime();
    if (!this.isReplicated(id, replicaTime)) throw notFound(id);
    const unseen = (this.history.get(id.toLowerCase()) ?? []).find((v) => v.at > replicaTime);
    return unseen ? (unseen.before as T) : current;
  }
}
