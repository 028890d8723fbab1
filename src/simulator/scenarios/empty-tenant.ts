import type { TenantFixture } from '../tenant-fixture';
import { buildDemoTenant } from './demo-tenant';

/** The demo's organization and subscribed SKUs, with no users or groups: for building a tenant through Graph. */
export function buildEmptyTenant(): TenantFixture {
  const demo = buildDemoTenant();
  return {
    organization: demo.organization,
    subscribedSkus: demo.subscribedSkus,
    users: [],
    groups: [],
  };
}
