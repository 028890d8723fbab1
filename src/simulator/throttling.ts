/**
 * Graph's identity and access throttling (BEHAVIOUR.md §5), per application and tenant, as token buckets
 * in simulated time: a resource-unit quota per 10 s that depends on tenant size, 3,000 writes per
 * 2 min 30 s for the app, and 18,000 writes per 5 minutes for the tenant (all apps: the caller and,
 * when it runs, the tenant's old license script). Requests sent while throttled still spend resource units, as Graph keeps logging usage.
 */

export interface RequestCost {
  readonly resourceUnits: number;
  readonly writes: number;
  /** Requests under the identity and access reports limit (the audit log), not the directory quota. */
  readonly reports?: number;
}

export type ThrottleDecision =
  | { readonly allowed: true; readonly resourceUnits: number; readonly usedFraction: number }
  | {
      readonly allowed: false;
      readonly retryAfterSimulatedMs: number;
      readonly information:
        'ResourceUnitLimitExceeded' | 'WriteLimitExceeded' | 'ReportsLimitExceeded';
      readonly scope: 'Tenant_Application' | 'Tenant';
    };

/** Resource units per 10 seconds by tenant size: S < 50 users, M 50–500, L > 500. */
export function resourceUnitQuota(userCount: number): number {
  if (userCount < 50) return 3_500;
  if (userCount <= 500) return 5_000;
  return 8_000;
}

export const WRITE_QUOTA = 3_000;
export const WRITE_WINDOW_MS = 150_000;
/** All applications together in one tenant. */
export const TENANT_WRITE_QUOTA = 18_000;
export const TENANT_WRITE_WINDOW_MS = 300_000;
const RU_WINDOW_MS = 10_000;
/**
 * Identity and access reports (directoryAudits among them): 5 requests per 10 s per app per tenant
 * (https://learn.microsoft.com/graph/throttling-limits#identity-and-access-reports-service-limits).
 */
export const REPORTS_QUOTA = 5;
export const REPORTS_WINDOW_MS = 10_000;

class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    now: number
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  refill(now: number): void {
    this.tokens = Math.min(
      this.capacity,
      this.tokens + ((now - this.updatedAt) * this.capacity) / this.windowMs
    );
    this.updatedAt = now;
  }

  canSpend(amount: number): boolean {
    return this.tokens >= amount;
  }

  /** Spends even below zero (bounded), so early retries dig the hole deeper. */
  spend(amount: number): void {
    this.tokens = Math.max(-this.capacity, this.tokens - amount);
  }

  msUntil(amount: number): number {
    return Math.max(0, ((amount - this.tokens) * this.windowMs) / this.capacity);
  }

  usedFraction(): number {
    return 1 - this.tokens / this.capacity;
  }
}

export class Throttle {
  private readonly resourceUnits: TokenBucket;
  private readonly writes: TokenBucket;
  private readonly tenantWrites: TokenBucket;
  private readonly reports: TokenBucket | null;

  /** `elapsedMs` reads simulated time in milliseconds; `reportsLimit` turns the audit log's own limit on. */
  constructor(
    private readonly elapsedMs: () => number,
    resourceUnitsPer10s: number,
    reportsLimit = true
  ) {
    const now = elapsedMs();
    this.reports = reportsLimit ? new TokenBucket(REPORTS_QUOTA, REPORTS_WINDOW_MS, now) : null;
    this.resourceUnits = new TokenBucket(resourceUnitsPer10s, RU_WINDOW_MS, now);
    this.writes = new TokenBucket(WRITE_QUOTA, WRITE_WINDOW_MS, now);
    this.tenantWrites = new TokenBucket(TENANT_WRITE_QUOTA, TENANT_WRITE_WINDOW_MS, now);
  }

  /**
   * One write by another app of the tenant (its old license script): it spends only the tenant's
   * bucket, which every app shares; false when Graph would throttle it.
   */
  chargeOtherAppWrite(): boolean {
    this.tenantWrites.refill(this.elapsedMs());
    if (!this.tenantWrites.canSpend(1)) return false;
    this.tenantWrites.spend(1);
    return true;
  }

  charge(cost: RequestCost): ThrottleDecision {
    const now = this.elapsedMs();
    this.resourceUnits.refill(now);
    this.writes.refill(now);
    this.tenantWrites.refill(now);
    this.reports?.refill(now);
    if (this.reports && (cost.reports ?? 0) > 0 && !this.reports.canSpend(cost.reports ?? 0)) {
      return {
        allowed: false,
        retryAfterSimulatedMs: this.reports.msUntil(cost.reports ?? 0),
        information: 'ReportsLimitExceeded',
        scope: 'Tenant_Application',
      };
    }
    this.reports?.spend(cost.reports ?? 0);
    const limits = [
      {
        bucket: this.resourceUnits,
        amount: cost.resourceUnits,
        information: 'ResourceUnitLimitExceeded',
        scope: 'Tenant_Application',
      },
      {
        bucket: this.writes,
        amount: cost.writes,
        information: 'WriteLimitExceeded',
        scope: 'Tenant_Application',
      },
      {
        bucket: this.tenantWrites,
        amount: cost.writes,
        information: 'WriteLimitExceeded',
        scope: 'Tenant',
      },
    ] as const;
    for (const limit of limits) {
      if (limit.amount > 0 && !limit.bucket.canSpend(limit.amount)) {
        // A refused request still costs its resource units: Graph keeps logging usage while it throttles.
        this.resourceUnits.spend(cost.resourceUnits);
        return {
          allowed: false,
          retryAfterSimulatedMs: limit.bucket.msUntil(limit.amount),
          information: limit.information,
          scope: limit.scope,
        };
      }
    }
    this.resourceUnits.spend(cost.resourceUnits);
    this.writes.spend(cost.writes);
    this.tenantWrites.spend(cost.writes);
    return {
      allowed: true,
      resourceUnits: cost.resourceUnits,
      usedFraction: Math.max(this.resourceUnits.usedFraction(), this.writes.usedFraction()),
    };
  }
}

/** What a request costs (BEHAVIOUR.md §5): base cost by kind, −1 for $select, +1 for $expand, −1 for $top < 20. */
export function requestCost(method: string, path: string, query: URLSearchParams): RequestCost {
  if (method !== 'GET') return { resourceUnits: 1, writes: 1 };
  if (/^\/v1\.0\/auditLogs\//i.test(path)) return { resourceUnits: 0, writes: 0, reports: 1 };
  let base = 1;
  if (/^\/v1\.0\/users\/?$/i.test(path) || /^\/v1\.0\/users\/[^/]+\/?$/i.test(path)) base = 2;
  else if (/\/members\/?$/i.test(path) || /\/membersWithLicenseErrors\/?$/i.test(path)) base = 3;
  else if (/\/transitiveMembers\/?$/i.test(path)) base = 5;
  else if (/^\/v1\.0\/subscribedSkus\/?$/i.test(path)) base = 3;
  else if (/\/licenseDetails\/?$/i.test(path)) base = 2;
  if (query.has('$select')) base -= 1;
  if (query.has('$expand')) base += 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && top < 20) base -= 1;
  return { resourceUnits: Math.max(1, base), writes: 0 };
}
