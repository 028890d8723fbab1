import { memoryState, type BotState } from '../src/storage/bot-state';
import { startBotUnderTest, type BotUnderTest } from './support/bot-harness';
import { cardOf, cardTexts } from './support/connector-stand-in';
import { graphCall } from './support/graph-http';
import { TeamsDriver } from './support/teams-driver';

/**
 * Watching each wave before the next: the follow-up after the soak period and release windows, on a
 * clock the test moves (the bot's; Graph's own processing runs in real time).
 */

const EMS = 'efccb6f7-5641-4e0e-bd10-b4976e1bf68e';
const MFA_PREMIUM = '8a256a2b-b617-496d-b51b-e76466e88db0';
const MINUTE = 60_000;
// Whole waves of a thousand users, each read back from replicas that lag: deadlines, not timings.
jest.setTimeout(120_000);

async function waitFor(what: string, condition: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('each wave watched before the next', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;
  let clock: number;

  const directAssignments = () =>
    [...bot.simulator.directory.users.values()].reduce((n, u) => n + u.directLicenses.size, 0);
  const channelCards = () =>
    bot.connector.sent.flatMap((a) => (a.method === 'POST' ? [cardTexts(cardOf(a))] : []));
  const cardTitled = (pattern: RegExp) => channelCards().find((texts) => pattern.test(texts[0]));
  const statusTexts = async () => cardTexts(cardOf((await teams.say('finance', 'status'))[0]));
  const waveOneUsers = () => {
    const wave1 = cardTitled(/^Wave 1 finished/);
    if (!wave1) throw new Error('Wave 1 did not finish.');
    const ids = new Set<string>();
    for (const user of bot.simulator.directory.users.values())
      if (!user.directLicenses.has(EMS)) ids.add(user.id);
    return ids;
  };

  let state: BotState;

  async function startWithWaveOneDone(env: Record<string, string>) {
    clock = Date.now();
    state = memoryState();
    bot = await startBotUnderTest({ now: () => new Date(clock), env, state });
    teams = new TeamsDriver(bot);
    await teams.untilWavesProposed('25,rest');
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    expect(directAssignments()).toBe(1200 - 46);
  }

  /** Changes the EMS licensing group's disabled plans through Graph, and waits until these users have it. */
  async function setEmsGroupPlans(
    users: ReadonlySet<string>,
    change: (disabled: readonly string[]) => string[]
  ): Promise<void> {
    const directory = bot.simulator.directory;
    const group = [...directory.groups.values()].find((g) => g.licenses.has(EMS));
    if (!group) throw new Error('No licensing group for EMS.');
    const disabled = change(group.licenses.get(EMS)?.disabledPlans ?? []);
    const changed = await graphCall(
      bot.simulator.baseUrl,
      'POST',
      `/v1.0/groups/${group.id}/assignLicense`,
      { addLicenses: [{ skuId: EMS, disabledPlans: disabled }], removeLicenses: [] }
    );
    expect(changed.status).toBe(202);
    const applied = (id: string) => {
      const row = directory
        .licenseAssignmentStates(directory.users.get(id) ?? fail(id))
        .find((r) => r.skuId === EMS && r.assignedByGroup === group.id);
      return (
        row !== undefined && [...row.disabledPlans].sort().join() === [...disabled].sort().join()
      );
    };
    await waitFor('the group to be processed', () => [...users].every(applied));
  }

  afterEach(async () => {
    await bot.stop();
  });

  describe('the follow-up after the soak period', () => {
    beforeEach(() => startWithWaveOneDone({ FOLLOW_UP_AFTER_MINUTES: '1440' }));

    it('holds the next wave until the follow-up, and puts back what a changed group took only after sign-off', async () => {
      const soakEnds = new Date(clock + 1440 * MINUTE).toISOString().replace('T', ' ').slice(0, 16);
      expect(await statusTexts()).toContainEqual(`due ${soakEnds} UTC`);
      const waveTwo = teams.latestApproval();
      const approverView = cardTexts((await teams.viewAs('approver1', waveTwo)).value);
      expect(approverView).toContainEqual(
        expect.stringMatching(/^Not to be released yet: Wave 1's follow-up is not done yet/)
      );
      expect(approverView).toContain('Approve anyway');
      const refused = await teams.click('approver1', 'approve', await teams.buttonData(waveTwo));
      expect(refused.value).toEqual(
        expect.stringContaining('To approve it anyway, say why in the reason box')
      );

      // Someone disables a service plan on the licensing group after the wave.
      const movedOff = waveOneUsers();
      await setEmsGroupPlans(movedOff, (plans) => [...plans, MFA_PREMIUM]);

      clock += 1440 * MINUTE + MINUTE;
      await waitFor('the follow-up', () => cardTitled(/follow-up found/) !== undefined);
      await bot.idle();
      const found = cardTitled(/follow-up found/) ?? [];
      expect(found[0]).toBe("Wave 1's follow-up found 25 problems");
      expect(found.join('\n')).toMatch(
        /lost MFA_PREMIUM of Enterprise Mobility \+ Security E3: "LIC [^"]+" disables it now/
      );
      // Reported, and nothing given back without a sign-off.
      expect(directAssignments()).toBe(1200 - 46);
      expect(await statusTexts()).toContainEqual('25 problems');

      const restore = teams.latestApproval();
      expect(cardTexts((await teams.viewAs('approver2', restore)).value)[0]).toBe(
        "Sign-off needed: putting back what wave 1's follow-up found missing"
      );
      const movedBack = await teams.click(
        'approver2',
        'approve',
        await teams.buttonData(restore, 'approver2')
      );
      expect(cardTexts(movedBack.value)).toContainEqual(
        expect.stringMatching(/^Approved by Nestor Wilke/)
      );
      await bot.idle();
      for (const id of movedOff) {
        const user = bot.simulator.directory.users.get(id);
        const back = user?.directLicenses.get(EMS);
        expect(back).toBeDefined();
        expect(back?.disabledPlans).not.toContain(MFA_PREMIUM);
      }
      // Exactly the 25 assignments found missing, nothing else of the wave.
      expect(directAssignments()).toBe(1200 - 46 + 25);
      expect(cardTitled(/what its follow-up found missing is back/)).toBeDefined();
      // Checked again at once: clean now.
      expect(cardTitled(/^Wave 1's follow-up is clean/)).toBeDefined();
      expect(await statusTexts()).toContainEqual(
        expect.stringMatching(/^clean \(.*\), after putting back 25$/)
      );
      // Resolved: wave 2 may go, and its card says so.
      expect(cardTexts((await teams.viewAs('approver1', waveTwo)).value)).toContain('Approve');
    });

    it('lets an admin check a wave again once the cause is fixed, but never before its soak period ends', async () => {
      expect(await teams.replies('admin', 'followup 1')).toEqual([
        expect.stringMatching(
          /^Wave 1's follow-up is due at .* UTC, after its soak period, which is not cut short\./
        ),
      ]);
      const movedOff = waveOneUsers();
      await setEmsGroupPlans(movedOff, (plans) => [...plans, MFA_PREMIUM]);
      clock += 1440 * MINUTE + MINUTE;
      await waitFor('the follow-up', () => cardTitled(/follow-up found/) !== undefined);
      await bot.idle();
      // Lee released wave 1, so the restore its follow-up asks for is his: Nestor decides it.
      const restoreButton = await teams.buttonData(teams.latestApproval(), 'approver2');

      // The group is put right instead, and the wave checked again: nothing needs to be given back.
      await setEmsGroupPlans(movedOff, (plans) => plans.filter((p) => p !== MFA_PREMIUM));
      expect(await teams.replies('finance', 'followup 1')).toEqual([
        expect.stringContaining('Megan Bowen is not a member of the migration admins group'),
      ]);
      expect(await teams.replies('admin', 'followup 1')).toEqual([
        "Checking wave 1's users again now; the result goes to the notification channel, and `status` shows it.",
      ]);
      await waitFor(
        'the second follow-up',
        () => cardTitled(/^Wave 1's follow-up is clean/) !== undefined
      );
      await bot.idle();
      expect(directAssignments()).toBe(1200 - 46);
      // The restore asked for before is out of date: approving it now does nothing.
      const late = await teams.click('approver2', 'approve', restoreButton);
      expect(JSON.stringify(late.value)).toContain('Replaced by a newer card');
      expect(directAssignments()).toBe(1200 - 46);
    });

    it('posts a sign-off card that never went out when the bot starts again', async () => {
      const waveTwo = teams.latestApproval();
      const cardsFor = (id: string) => teams.approvalCards().filter((c) => c.approvalId === id);
      expect(cardsFor(waveTwo)).toHaveLength(1);
      // As if the bot had stopped between recording the request and posting its card.
      await bot.restart(() => state.storage.delete(['teams/card-locations']));
      await waitFor('the card', () => cardsFor(waveTwo).length === 2);
      expect(cardTexts(cardsFor(waveTwo)[1].card)).toContainEqual(
        expect.stringMatching(/^Not to be released yet: Wave 1's follow-up is not done yet/)
      );
    });

    it('lets an approver release the next wave before a clean follow-up only with a recorded reason', async () => {
      const waveTwo = teams.latestApproval();
      const reason = 'Finance needs it before the quarter closes; I checked wave 1 by hand.';
      const decided = await teams.click('approver2', 'approve', {
        ...(await teams.buttonData(waveTwo, 'approver2')),
        reason,
      });
      // The reason is shown apart from the bot's status line, labelled as the approver's.
      expect(cardTexts(decided.value)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Approved by Nestor Wilke .* overriding what held it up$/),
          'Reason, as Nestor Wilke typed it:',
          reason,
        ])
      );
      await bot.idle();
      expect(directAssignments()).toBe(0);
      const wave = cardTexts(cardOf((await teams.say('finance', 'wave 2'))[0]));
      expect(wave).toContainEqual(
        expect.stringMatching(/^Released although: Wave 1's follow-up is not done yet/)
      );
    });
  });

  describe('after a wave that stopped', () => {
    it('checks what it removed, and opens no card for the next wave: a stopped wave waits for people', async () => {
      clock = Date.now();
      state = memoryState();
      bot = await startBotUnderTest({ now: () => new Date(clock), state });
      teams = new TeamsDriver(bot);
      await teams.untilWavesProposed('25,rest');
      const [wave1] = (await state.store.read()).record.waves;
      const second = wave1.entries
        .map((e) => e.userId)
        .filter((id, i, all) => all.indexOf(id) === i)[1];
      // Just as the first removals go out, the second user leaves the EMS licensing group.
      let batches = 0;
      bot.simulator.onRequest = (method, url) => {
        if (method !== 'POST' || !url.includes('$batch') || ++batches !== 2) return;
        const directory = bot.simulator.directory;
        const group = [...directory.groups.values()].find((g) => g.licenses.has(EMS));
        group?.members.delete(second);
        if (group) directory.processGroup(group.id);
      };
      await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
      await bot.idle();
      bot.simulator.onRequest = null;
      expect(cardTitled(/^Wave 1 stopped/)).toBeDefined();
      const user = bot.simulator.directory.users.get(second);
      expect(user?.directLicenses.has(EMS)).toBe(true);
      // Its follow-up ran on what it did remove, and no sign-off card for wave 2 was opened.
      expect(cardTitled(/^Wave 1's follow-up is clean/)).toBeDefined();
      expect(teams.approvalCards()).toHaveLength(2);
      expect(await statusTexts()).toContainEqual(expect.stringMatching(/^stopped$/));
    });
  });

  describe('release windows', () => {
    beforeEach(() => startWithWaveOneDone({}));

    /** The next Saturday, 00:00 UTC, after the clock. */
    const nextSaturday = () => {
      const day = new Date(clock);
      day.setUTCHours(0, 0, 0, 0);
      day.setUTCDate(day.getUTCDate() + ((6 - day.getUTCDay() + 7) % 7 || 7));
      return day.getTime();
    };

    /** "Sat 5 Dec", as the bot writes a day. */
    const dayText = (ms: number) => {
      const [weekday, day, month] = new Date(ms).toUTCString().replace(',', '').split(' ');
      return `${weekday} ${Number(day)} ${month}`;
    };

    it("settles what was in flight after a restart past the window's end, and removes nothing more until the next", async () => {
      const saturday = nextSaturday();
      await teams.click('approver1', 'approve', {
        ...(await teams.buttonData(teams.latestApproval())),
        window: 'Sat 02:00-06:00 UTC',
      });
      let restarted: Promise<void> | null = null;
      let batches = 0;
      bot.simulator.onRequest = (method, url) => {
        if (method === 'POST' && url.includes('$batch') && ++batches === 5)
          restarted = bot.restart(() => {
            clock = saturday + 6 * 60 * MINUTE + 30_000;
          });
      };
      clock = saturday + 5 * 60 * MINUTE + 50 * MINUTE;
      await waitFor('the restart', () => restarted !== null);
      await restarted;
      bot.simulator.onRequest = null;
      await waitFor(
        'the window to close',
        () => cardTitled(/end of its release window/) !== undefined
      );
      await bot.idle();
      const left = directAssignments();
      expect(left).toBeLessThan(1200 - 46);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(directAssignments()).toBe(left);
      expect(bot.simulator.directory.timeline.losses(bot.simulator.directory.skus)).toEqual([]);

      clock = saturday + 7 * 24 * 60 * MINUTE + 120 * MINUTE;
      await waitFor('wave 2 to finish', () => cardTitled(/^Wave 2 finished/) !== undefined);
      await bot.idle();
      expect(directAssignments()).toBe(0);
      expect(bot.simulator.directory.timeline.losses(bot.simulator.directory.skus)).toEqual([]);
    });

    it('refuses a window it cannot read, and changes nothing', async () => {
      const waveTwo = teams.latestApproval();
      const refused = await teams.click('approver1', 'approve', {
        ...(await teams.buttonData(waveTwo)),
        window: 'Saturday 02:00-06:00',
      });
      expect(refused.value).toEqual(expect.stringContaining('has no time zone'));
      expect(await statusTexts()).toContainEqual(expect.stringMatching(/waiting for sign-off/));
    });

    it('waits for its window, stops at its end after the users in hand, and goes on in the next', async () => {
      const saturday = nextSaturday();
      await teams.click('approver1', 'approve', {
        ...(await teams.buttonData(teams.latestApproval())),
        window: 'Sat 02:00-06:00 UTC',
      });
      await bot.idle();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await bot.idle();
      expect(directAssignments()).toBe(1200 - 46);
      expect(await statusTexts()).toContainEqual(
        `waits for its window: ${dayText(saturday)} 02:00 UTC`
      );

      // Into the window; after two round trips of removals, the window closes.
      let batches = 0;
      bot.simulator.onRequest = (method, url) => {
        if (method === 'POST' && url.includes('$batch') && ++batches === 6)
          clock = saturday + 6 * 60 * MINUTE + 30_000;
      };
      clock = saturday + 5 * 60 * MINUTE + 50 * MINUTE;
      await waitFor(
        'the window to close',
        () => cardTitled(/end of its release window/) !== undefined
      );
      await bot.idle();
      const removedInWindow = 1200 - 46 - directAssignments();
      expect(removedInWindow).toBeGreaterThan(0);
      expect(removedInWindow).toBeLessThan(1200 - 46);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(1200 - 46 - directAssignments()).toBe(removedInWindow);
      expect(await statusTexts()).toContainEqual(
        `waits for its window: ${dayText(saturday + 7 * 24 * 60 * MINUTE)} 02:00 UTC`
      );

      bot.simulator.onRequest = null;
      clock = saturday + 7 * 24 * 60 * MINUTE + 120 * MINUTE;
      await waitFor('wave 2 to finish', () => cardTitled(/^Wave 2 finished/) !== undefined);
      await bot.idle();
      expect(directAssignments()).toBe(0);
      expect(bot.simulator.directory.timeline.losses(bot.simulator.directory.skus)).toEqual([]);
    });
  });
});
