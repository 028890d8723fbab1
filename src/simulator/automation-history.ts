import type { AuditActor } from './audit-log';
import type { DirectoryState } from './directory-state';
import type { TenantFixture } from './tenant-fixture';

/**
 * The tenant's existing license automation, as the audit log shows it: every `everyDays` days, `runs`
 * times up to now, it assigned licenses directly to a few users (new joiners, changes), about one in a
 * thousand licensed users per run and at least one.
 */
export function recordAutomationHistory(
  directory: DirectoryState,
  automation: TenantFixture['existingAutomation']
): void {
  if (!automation) return;
  const actor: AuditActor = {
    kind: 'app',
    displayName: automation.displayName,
    appId: automation.appId,
  };
  const licensed = [...directory.users.values()].filter((u) => u.directLicenses.size > 0);
  if (licensed.length === 0) return;
  const perRun = Math.max(1, Math.round(licensed.length / 1000));
  const dayMs = 86_400_000;
  for (let run = 0; run < automation.runs; run++) {
    const at = new Date(
      directory.now().getTime() - (automation.runs - run) * automation.everyDays * dayMs
    );
    for (let k = 0; k < perRun; k++) {
      const user = licensed[(run * perRun + k) % licensed.length];
      const licenses = [...user.directLicenses].map(([skuId, a]) => ({
        skuId,
        disabledPlans: a.disabledPlans,
      }));
      directory.recordUserLicenseChange(user, actor, [], licenses, at);
    }
  }
}
