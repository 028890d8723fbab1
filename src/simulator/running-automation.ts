import { userAttributes } from './user-attributes';
import type { AuditActor } from './audit-log';
import { nextRunAt, type AutomationSchedule } from './automation-schedule';
import { deterministicId } from './deterministic-id';
import type { Directory, DirectoryUser } from './directory';
import { GraphError } from './graph-error';
import { seededRandom } from './seeded-random';
import type { FixtureLicense, TenantFixture } from './tenant-fixture';

const MAX_TIMER_MS = 2_147_483_647;

type ExistingAutomation = NonNullable<TenantFixture['existingAutomation']>;

/** One direct license the script gave or took, as Graph took the change. */
export interface ScriptLicenseChange {
  readonly userId: string;
  readonly skuId: string;
  readonly at: string;
}

/** What one run of the script did. */
export interface AutomationRun {
  readonly at: string;
  /** New users it created, with the direct licenses its rule gives (when Graph took them). */
  readonly joiners: readonly DirectoryUser[];
  /** Users it disabled and took its direct licenses from. */
  readonly leavers: readonly DirectoryUser[];
  /** The direct licenses Graph gave its joiners (a refusal, e.g. no seats, gives none). */
  readonly given: readonly ScriptLicenseChange[];
  /** The direct licenses Graph took from its leavers. */
  readonly taken: readonly ScriptLicenseChange[];
  /** Graph throttled one of its writes (the tenant's write quota was spent): the rest waits for the next run. */
  readonly throttled: boolean;
}

/**
 * The tenant's old license script, still running (Microsoft's migration guide: leave the existing
 * automation running until the migration is done). On each run it creates joiners and assigns them the
 * licenses its rule gives, directly; it disables leavers and removes the licenses they hold directly.
 * It acts as its own app in the audit log, and each write spends the tenant's write quota (18,000 per
 * 5 minutes, all apps together), which the bot shares; when Graph throttles it, it stops until its
 * next run, as a scheduled script does.
 */
export class RunningAutomation {
  readonly runs: AutomationRun[] = [];
  private readonly actor: AuditActor;
  private readonly random: () => number;
  private joinersSoFar = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly directory: Directory,
    private readonly script: ExistingAutomation,
    /** Spends one write of the tenant's quota; false when Graph would throttle it. */
    private readonly spendTenantWrite: () => boolean = () => true
  ) {
    this.actor = { kind: 'app', displayName: script.displayName, appId: script.appId };
    this.random = seededRandom(parseInt(script.appId.slice(0, 8), 16));
  }

  /** Runs on `schedule` in simulated time until stopped; `toRealMs` turns simulated waits into real ones. */
  start(schedule: AutomationSchedule, toRealMs: (simulatedMs: number) => number): void {
    this.stop();
    this.armFor(nextRunAt(schedule, this.directory.now()).getTime(), schedule, toRealMs);
  }

  private armFor(
    runAt: number,
    schedule: AutomationSchedule,
    toRealMs: (simulatedMs: number) => number
  ): void {
    const waitMs = toRealMs(runAt - this.directory.now().getTime());
    // Node's timers hold at most about 24.8 days: a later run is waited for in steps.
    this.timer = setTimeout(
      () => {
        if (this.directory.now().getTime() < runAt) return this.armFor(runAt, schedule, toRealMs);
        this.runOnce();
        this.start(schedule, toRealMs);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, waitMs))
    );
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One run: its joiners, then its leavers, until Graph throttles it. */
  runOnce(): AutomationRun {
    const joiners: DirectoryUser[] = [];
    const leavers: DirectoryUser[] = [];
    const given: ScriptLicenseChange[] = [];
    const taken: ScriptLicenseChange[] = [];
    let throttled = false;
    const write = (): boolean => {
      if (!throttled && !this.spendTenantWrite()) throttled = true;
      return !throttled;
    };
    const leaving = this.chooseLeavers(this.script.leaversPerRun ?? 1);
    const departments = this.departments();
    for (let k = 0; k < (this.script.joinersPerRun ?? 1) && write(); k++) {
      const user = this.createJoiner(departments);
      joiners.push(user);
      const licenses = this.licensesFor(user.department);
      if (licenses.length > 0 && write())
        given.push(
          ...this.assign(
            user,
            licenses.map((l) => l.skuId),
            licenses,
            []
          )
        );
    }
    for (const user of leaving) {
      if (!write()) break;
      user.accountEnabled = false;
      this.audit('Update user', 'Update', user);
      leavers.push(user);
      const direct = [...user.directLicenses.keys()];
      if (direct.length > 0 && write()) taken.push(...this.assign(user, direct, [], direct));
    }
    const run = { at: this.directory.timestamp(), joiners, leavers, given, taken, throttled };
    this.runs.push(run);
    return run;
  }

  private createJoiner(departments: readonly string[]): DirectoryUser {
    const n = ++this.joinersSoFar;
    const department = departments[Math.floor(this.random() * departments.length)] ?? null;
    const nickname = `joiner${n}.${this.script.appId.slice(0, 4)}`;
    const user: DirectoryUser = {
      id: deterministicId(`${this.script.appId}-joiner-${n}`),
      userPrincipalName: `${nickname}@${this.directory.organization.defaultDomain}`,
      displayName: `New Joiner ${n}`,
      givenName: 'New',
      surname: `Joiner ${n}`,
      department,
      jobTitle: null,
      usageLocation: this.directory.organization.countryLetterCode,
      accountEnabled: true,
      createdDateTime: this.directory.timestamp(),
      directLicenses: new Map(),
      attributes: userAttributes(),
    };
    this.directory.addUser(user);
    this.audit('Add user', 'Add', user);
    return user;
  }

  /** The departments joiners come to: the rule's, and those people work in today. */
  private departments(): string[] {
    const named = new Set(Object.keys(this.script.rule?.byDepartment ?? {}));
    for (const user of this.directory.users.values())
      if (user.department) named.add(user.department);
    return [...named].sort();
  }

  private licensesFor(department: string | null): FixtureLicense[] {
    const rule = this.script.rule;
    if (!rule) return [];
    return [...rule.everyone, ...((department && rule.byDepartment?.[department]) || [])];
  }

  /**
   * Enabled users, at random: never one in a group without licenses (the people who run and approve the
   * migration, in the demo), so the tenant's admin roster stays as it is.
   */
  private chooseLeavers(count: number): DirectoryUser[] {
    const roster = new Set<string>();
    for (const group of this.directory.groups.values())
      if (group.licenses.size === 0) group.members.forEach((id) => roster.add(id));
    const candidates = [...this.directory.users.values()].filter(
      (u) => u.accountEnabled && !roster.has(u.id)
    );
    const chosen: DirectoryUser[] = [];
    while (chosen.length < count && candidates.length > 0)
      chosen.push(...candidates.splice(Math.floor(this.random() * candidates.length), 1));
    return chosen;
  }

  /**
   * assignLicense as the script calls it: the SKUs `changed` when Graph takes it; a refusal (no seats…)
   * changes none and is in the audit log as a failure.
   */
  private assign(
    user: DirectoryUser,
    changed: readonly string[],
    add: readonly FixtureLicense[],
    remove: readonly string[]
  ): ScriptLicenseChange[] {
    const before = directLicenseList(user);
    try {
      this.directory.assignUserLicenses(user, add, remove);
      this.directory.recordUserLicenseChange(user, this.actor, before, directLicenseList(user));
      const at = this.directory.timestamp();
      return changed.map((skuId) => ({ userId: user.id, skuId, at }));
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      this.directory.recordUserLicenseChange(
        user,
        this.actor,
        before,
        before,
        this.directory.now(),
        error.message
      );
      return [];
    }
  }

  private audit(
    activityDisplayName: string,
    operationType: 'Add' | 'Update',
    user: DirectoryUser
  ): void {
    this.directory.audit.record({
      activityDisplayName,
      category: 'UserManagement',
      operationType,
      actor: this.actor,
      at: this.directory.now(),
      targets: [{ id: user.id, type: 'User', userPrincipalName: user.userPrincipalName }],
    });
  }
}

function directLicenseList(user: DirectoryUser) {
  return [...user.directLicenses].map(([skuId, a]) => ({ skuId, disabledPlans: a.disabledPlans }));
}
