import type { MigrationRecord } from '../../src/domain/migration-record';
import { planDigest } from '../../src/domain/migration-record';
import { withMembers, type PlanMembers } from '../../src/domain/stored-plan';
import { InMemoryPlanMembers } from '../../src/storage/in-memory-plan-members';
import { StorageMigrationStore } from '../../src/storage/storage-migration-store';
import { memoryState, type BotState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { directAssignmentsOf } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';

/** The approved group plan's members in a blob of their own, read only by the steps that add them (issue 17). */
describe("the group plan's members kept apart from the migration record", () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let state: BotState;
  const members = () => state.planMembers as InMemoryPlanMembers;
  const stored = async () => (await state.store.read()).record;
  const blobOf = (digest: string): PlanMembers =>
    (JSON.parse(members().blobs.get(digest) ?? 'null') as { members: PlanMembers }).members;
  const groupsNow = () => bot.simulator.directory.groups.size;
  /** The tenant's users but those named where they acted (who asked, who decided). */
  const userIds = (record: MigrationRecord) => {
    const people = new Set(
      record.approvals.flatMap((a) => [a.requestedBy.id, a.decidedBy?.id ?? ''])
    );
    return [...bot.simulator.directory.users.keys()].filter((id) => !people.has(id));
  };

  beforeEach(async () => {
    state = memoryState();
    bot = await startBotUnderTest({ state });
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
  });
  afterEach(async () => {
    await bot.stop();
  });

  const approve = async () => {
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
  };

  it("keeps no member's id in the record of an assignment asked for: they are a blob named by the approved digest", async () => {
    const record = await stored();
    const assign = record.assign;
    if (!assign) throw new Error('no assignment asked for');
    const ids = userIds(record);
    expect(ids.length).toBeGreaterThan(990);
    const json = JSON.stringify(assign);
    expect(ids.filter((id) => json.includes(id))).toEqual([]);
    expect(assign.groups.map((g) => [g.userCount, g.toAdd])).toEqual([
      [200, 200],
      [1_000, 1_000],
    ]);
    expect(assign.groups.every((g) => g.sampleUserPrincipalNames.length > 0)).toBe(true);
    // The blob holds exactly what the approval binds to.
    expect(assign.membersDigest).toBe(assign.digest);
    const planned = withMembers(assign.groups, blobOf(assign.digest));
    expect(planned && planDigest(planned)).toBe(assign.digest);

    await approve();
    const after = await stored();
    expect(after.assign?.status).toBe('completed');
    const json2 = JSON.stringify(after);
    expect(userIds(after).filter((id) => json2.includes(id))).toEqual([]);
  });

  it('stops an assignment whose stored members were changed, saying so, and changes nothing in the tenant', async () => {
    const { assign } = await stored();
    if (!assign) throw new Error('no assignment asked for');
    const tampered = Object.fromEntries(
      Object.entries(blobOf(assign.digest)).map(([name, ids]) => [name, ids.slice(1)])
    );
    members().blobs.set(
      assign.digest,
      JSON.stringify({ digest: assign.digest, members: tampered })
    );
    const groups = groupsNow();
    await approve();

    expect(groupsNow()).toBe(groups);
    expect(directAssignmentsOf(bot.simulator)).toEqual(bot.script.expectedDirect());
    const after = (await stored()).assign;
    expect(after?.status).toBe('failed');
    const reason = `Its stored members do not match its digest ${assign.digest.slice(0, 12)} (the blob was changed).`;
    expect(after?.problem).toContain(reason);
    const texts = bot.connector.sent.map((a) => JSON.stringify(a.body));
    expect(texts.some((t) => t.includes(reason))).toBe(true);
    expect(texts.some((t) => t.includes('Populating and licensing'))).toBe(false);
  });

  it('stops an assignment whose stored members are missing, and changes nothing in the tenant', async () => {
    members().blobs.clear();
    const groups = groupsNow();
    await approve();

    expect(groupsNow()).toBe(groups);
    const after = (await stored()).assign;
    expect(after?.status).toBe('failed');
    expect(after?.problem).toMatch(
      /^The group assignment stopped before changing anything: No group plan members are stored under/
    );
    expect(after?.problem).toContain('ask for the assignment again with `assign`');
  });

  it('runs the assignment of a record written with the ids inline, and moves them to their blob', async () => {
    const { record, etag } = await state.store.read();
    const legacy = inlined(record);
    members().blobs.clear();
    const groups = groupsNow();
    // Written as the bot did before the members had a blob of their own.
    await new StorageMigrationStore(state.storage).write(legacy, etag);
    await approve();

    const after = (await stored()).assign;
    expect(after?.status).toBe('completed');
    expect(after?.groups.some((g) => 'userIds' in g)).toBe(false);
    expect(after?.membersDigest).toBe(record.assign?.digest);
    expect(blobOf(after?.membersDigest ?? '')).toEqual(
      Object.fromEntries((legacy.assign?.groups ?? []).map((g) => [g.displayName, g.userIds]))
    );
    expect(Object.keys(after?.groupIds ?? {}).sort()).toEqual(
      (legacy.assign?.groups ?? []).map((g) => g.displayName).sort()
    );
    expect(groupsNow()).toBe(groups + 2);
  });

  it('answers `status` from the record alone, reading no plan members', async () => {
    await approve();
    members().reads = 0;
    for (let i = 0; i < 3; i++) {
      const status = cardTexts(cardOf((await teams.say('finance', 'status'))[0]));
      expect(status.length).toBeGreaterThan(0);
    }
    expect(members().reads).toBe(0);
  });

  /** The record as written before the members had a blob: each group's ids inline, no count or digest. */
  function inlined(record: MigrationRecord): MigrationRecord {
    const assign = record.assign;
    if (!assign) throw new Error('no assignment asked for');
    const { membersDigest, ...rest } = assign;
    const ids = blobOf(membersDigest ?? '');
    return {
      ...record,
      assign: {
        ...rest,
        groups: assign.groups.map(({ userCount, ...g }) => {
          void userCount;
          return { ...g, userIds: ids[g.displayName] };
        }),
      },
    };
  }
});
