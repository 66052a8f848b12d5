import type { AdmissionLimit } from "./fleet-types.js";

/**
 * Per-tenant token-bucket admission (rate limit with a burst): a bucket refills at
 * `ratePerSecond` up to `burst` tokens and each admitted request spends one. Tenants without a
 * limit are always admitted. Buckets start full, at the tenant's first request.
 */
export class TenantAdmission {
  private readonly buckets = new Map<string, { tokens: number; lastSeconds: number }>();

  constructor(private readonly limits: Readonly<Record<string, AdmissionLimit>>) {}

  /** Whether `tenant` may send one more request at `nowSeconds` (spends a token when it may). */
  admit(tenant: string, nowSeconds: number): boolean {
    const limit = this.limits[tenant];
    if (!limit) return true;
    let bucket = this.buckets.get(tenant);
    if (!bucket) {
      bucket = { tokens: limit.burst, lastSeconds: nowSeconds };
      this.buckets.set(tenant, bucket);
    }
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (nowSeconds - bucket.lastSeconds) * limit.ratePerSecond);
    bucket.lastSeconds = nowSeconds;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
