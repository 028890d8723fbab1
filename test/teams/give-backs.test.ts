import { allEntries } from '../support/journal-entries';
import type { JournalEntry } from '../../src/domain/journal';
import type { Journal } from '../../src/engine/ports/journal';
import {
  DEMO_ADMIN_GROUP_ID,
  DEMO_PEOPLE,
  buildDemoTenant,
} from '../../src/simulator/scenarios/demo-tenant';
import { memoryState } from '../../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { graphCall } from '../support/graph-http';
import { TeamsDriver } from '../support/teams-driver';
import { EMS, MFA_PREMIUM } from '../fixtures/skus';

/**
 * Giving licenses back — a rollback, a restore a follow-up found necessary — through Teams: released
 * only by a second person, journaled before it runs, and never given up while anything is owed. On a
 * clock the test moves (the bot's; Graph runs in real time).
 */

const MINUTE = 60_000;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A journal whose next append of a decision on anything but a wave is lost (storage failing then). */
class JournalLosingOneDecision implements Journal {
  /** Set when the next decision's append is to be lost. */
  armed = false;
  constructor(private readonly inner: Journal) {}
  append(entry: JournalEntry): Promise<void> {
    if (this.armed && entry.kind === 'approval-decision') {
      this.armed = false;
      return Promise.reject(new Error('The storage did not answer.'));
    }
    return this.inner.append(entry);
  }
  summary() {
    return this.inner.summary();
  }
  waveEntries(waveDigest: string) {
    return this.inner.waveEntries(waveDigest);
  }
  forEachEntry(visit: (entry: JournalEntry) => void) {
    return this.inner.forEachEntry(visit);
  }
}

describe('giving licenses back', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let clock: number;
  let journal: JournalLosingOneDecision;

  const directAssignments = () =>
    [...bot.simulator.directory.users.values()].reduce((n, u) => n + u.directLicenses.size, 0);
  const channelCards = () =>
    bot.connector.sent.flatMap((a) => (a.method === 'POST' ? [cardTexts(cardOf(a))] : []));
  const cardTitled = (pattern: RegExp) => channelCards().filter((texts) => pattern.test(texts[0]));
  const problems = () => cardTitled(/^A problem/).map((texts) => texts.slice(1).join(' '));
  /** Wave 1's users: those the wave removed the EMS direct assignment from. */
  const waveOneUsers = () =>
    [...bot.simulator.directory.users.values()].filter((u) => !u.directLicenses.has(EMS));

  async function startWithWaveOneDone(options: { approvedBy?: 'approver1' | 'approver2' } = {}) {
    clock = Date.now();
    const state = memoryState();
    journal = new JournalLosingOneDecision(state.journal);
    // Lee is a migration admin as well as an approver: he can type `followup N` and click.
    const demo = buildDemoTenant();
    const tenant = {
      ...demo,
      groups: demo.groups?.map((g) =>
        g.id === DEMO_ADMIN_GROUP_ID
          ? { ...g, members: [...(g.members ?? []), DEMO_PEOPLE.approver1.id] }
          : g
      ),
    };
    bot = await startBotUnderTest({
      tenant,
      // Focused on who may decide a give-back and on a lost journal entry: exact counts of a still tenant
      // (the old script's joiners and leavers are counted in wave-follow-up, which covers the restores).
      automation: false,
      now: () => new Date(clock),
      env: { FOLLOW_UP_AFTER_MINUTES: '1440' },
      state: { ...state, journal },
    });
    teams = new TeamsDriver(bot);
    await teams.untilWavesProposed('25,rest');
    const approver = options.approvedBy ?? 'approver1';
    await teams.click(
      approver,
      'approve',
      await teams.buttonData(teams.latestApproval(), approver)
    );
    await bot.idle();
    expect(directAssignments()).toBe(1200 - 46);
  }

  /** Someone disables MFA on the EMS licensing group: wave 1's users lose it; waits until they have. */
  async function disableMfaOnTheEmsGroup(): Promise<void> {
    const directory = bot.simulator.directory;
    const group = [...directory.groups.values()].find((g) => g.licenses.has(EMS));
    if (!group) throw new Error('No licensing group for EMS.');
    const disabled = [...(group.licenses.get(EMS)?.disabledPlans ?? []), MFA_PREMIUM];
    const changed = await graphCall(
      bot.simulator.baseUrl,
      'POST',
      `/v1.0/groups/${group.id}/assignLicense`,
      { addLicenses: [{ skuId: EMS, disabledPlans: disabled }], removeLicenses: [] }
    );
    expect(changed.status).toBe(202);
    const users = waveOneUsers();
    await waitFor('the group to be processed', () =>
      users.every((u) =>
        directory
          .licenseAssignmentStates(u)
          .some(
            (r) =>
              r.skuId === EMS &&
              r.assignedByGroup === group.id &&
              r.disabledPlans.includes(MFA_PREMIUM)
          )
      )
    );
  }

  afterEach(async () => {
    await bot.stop();
  });

  it('lets neither the approver who released the wave nor the admin who ran `followup N` release the restore it asks for', async () => {
    await startWithWaveOneDone({ approvedBy: 'approver2' });
    await disableMfaOnTheEmsGroup();
    clock += 1440 * MINUTE + MINUTE;
    await waitFor('the follow-up', () => cardTitled(/follow-up found/).length > 0);
    await bot.idle();

    // After the soak period: Nestor released wave 1, so the restore it asks for is his to ask, not to approve.
    const afterSoak = teams.latestApproval();
    const nestorAlone = await teams.click(
      'approver2',
      'approve',
      await teams.buttonData(afterSoak, 'approver1')
    );
    expect(JSON.stringify(nestorAlone.value)).toContain(
      "Nestor Wilke requested putting back what wave 1's follow-up found missing and cannot approve or reject it"
    );
    expect(directAssignments()).toBe(1200 - 46);

    // Lee, an admin and an approver, checks the wave again: the new restore is his, so Nestor decides it.
    expect(await teams.replies('approver1', 'followup 1')).toEqual([
      expect.stringMatching(/^Checking wave 1's users again now/),
    ]);
    await waitFor('the second follow-up', () => cardTitled(/follow-up found/).length > 1);
    await bot.idle();
    const afterFollowUp = teams.latestApproval();
    expect(afterFollowUp).not.toBe(afterSoak);
    const leeAlone = await teams.click(
      'approver1',
      'approve',
      await teams.buttonData(afterFollowUp, 'approver2')
    );
    expect(JSON.stringify(leeAlone.value)).toContain('Lee Gu requested putting back');
    expect(directAssignments()).toBe(1200 - 46);

    await teams.click('approver2', 'approve', await teams.buttonData(afterFollowUp, 'approver2'));
    await bot.idle();
    expect(directAssignments()).toBe(1200 - 46 + 25);
  });

  it('journals a rollback decision whose journal entry was lost before putting anything back', async () => {
    await startWithWaveOneDone();
    await teams.say('admin', 'rollback 1');
    // The card goes to the channel after the turn (it names the approvers in the team's roster).
    await bot.idle();
    const rollback = teams.latestApproval();
    journal.armed = true;
    // The decision is recorded, but its journal append is lost (the click itself fails).
    await teams.click('approver1', 'approve', await teams.buttonData(rollback));
    await waitFor('the rollback', () => cardTitled(/^Wave 1 rolled back/).length > 0);
    await bot.idle();
    expect(directAssignments()).toBe(1200);

    const entries = await allEntries(journal);
    const decision = entries.findIndex(
      (e) => e.kind === 'approval-decision' && e.approvalId === rollback
    );
    const firstPutBack = entries.findIndex(
      (e) => e.kind === 'removal-outcome' && e.outcome === 'restored'
    );
    expect(decision).toBeGreaterThanOrEqual(0);
    expect(decision).toBeLessThan(firstPutBack);
    expect(entries[decision]).toMatchObject({
      decision: 'approved',
      by: expect.stringContaining('Lee Gu'),
    });
  });

  it('never gives up a rollback: puts back everyone it can, and tries the rest again until they are back', async () => {
    await startWithWaveOneDone();
    const directory = bot.simulator.directory;
    // Two of wave 1's users lose their usage location: Graph refuses to assign them a license.
    const [first, second] = waveOneUsers();
    const locations = [first.usageLocation, second.usageLocation];
    first.usageLocation = null;
    second.usageLocation = null;
    let attempts = 0;
    const assign = directory.assignUserLicenses.bind(directory);
    directory.assignUserLicenses = (user, add, remove) => {
      if (user === first && add.length > 0) attempts++;
      return assign(user, add, remove);
    };

    await teams.say('admin', 'rollback 1');
    await bot.idle();
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await waitFor('the first pass', () => problems().length > 0);
    await bot.idle();
    // Everyone else is back; the two are owed, and the channel says so and why.
    expect(first.directLicenses.has(EMS) || second.directLicenses.has(EMS)).toBe(false);
    expect(
      [...directory.users.values()].filter(
        (u) => u !== first && u !== second && !u.directLicenses.has(EMS)
      )
    ).toEqual([]);
    expect(problems()[0]).toMatch(
      /^The rollback of wave 1 still owes \d+ direct license assignments?: Graph refused or failed to put (it|them) back\./
    );
    expect(problems()[0]).toContain(first.userPrincipalName);
    expect(problems()[0]).toContain(
      'License assignment cannot be done for user with invalid usage location.'
    );
    expect(problems()[0]).toContain(
      'keep trying until every one is back; `pause` stops the attempts'
    );

    // Far more passes than the five after which it used to stop, each later than the last.
    for (let pass = 2; pass <= 8; pass++) {
      clock += 15 * MINUTE;
      await waitFor(`pass ${pass}`, () => attempts >= pass);
      await bot.idle();
    }
    expect(cardTitled(/^Wave 1 rolled back/)).toHaveLength(0);
    // Told once while nothing changed, not at every pass.
    expect(problems()).toHaveLength(1);

    // The admins fix the usage locations: the next pass puts back what was owed, and the rollback is done.
    [first.usageLocation, second.usageLocation] = locations;
    clock += 15 * MINUTE;
    await waitFor('the rollback', () => cardTitled(/^Wave 1 rolled back/).length > 0);
    await bot.idle();
    expect(directAssignments()).toBe(1200);
    expect(cardTexts(cardOf((await teams.say('finance', 'wave 1'))[0])).join('\n')).toMatch(
      /rolled back/
    );
  });
});
