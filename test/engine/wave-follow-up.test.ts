import { memoryState, type BotState } from '../../src/storage/bot-state';
import { contentsOf } from '../../src/engine/wave-contents';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { graphCall } from '../support/graph-http';
import { assignmentKey, directAssignmentsOf, waveAssignments } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';
import { EMS, MFA_PREMIUM } from '../fixtures/skus';

/**
 * Watching each wave before the next: the follow-up after the soak period and release windows, on a
 * clock the test moves (the bot's; Graph's own processing runs in real time).
 */

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

  const directAssignments = () => directAssignmentsOf(bot.simulator);
  /**
   * The direct assignments the tenant must hold once wave 1 is done (and wave 2 when `both`): the old
   * license script keeps running, so those its joiners got are there and those it took from leavers not.
   */
  const afterWaves = async (both = false, restoredByBot: Iterable<string> = []) => {
    const removed = [...(await waveAssignments(state, 1))];
    if (both) removed.push(...(await waveAssignments(state, 2)));
    return bot.script.expectedDirect({ removedByBot: removed, restoredByBot });
  };
  const channelCards = () =>
    bot.connector.sent.flatMap((a) => (a.method === 'POST' ? [cardTexts(cardOf(a))] : []));
  const cardTitled = (pattern: RegExp) => channelCards().find((texts) => pattern.test(texts[0]));
  const statusTexts = async () => cardTexts(cardOf((await teams.say('finance', 'status'))[0]));
  /** Wave 1's users, from the bot's record of the wave. */
  const waveOneUsers = async () =>
    new Set([...(await waveAssignments(state, 1))].map((key) => key.split('|')[0]));
  /**
   * Wave 1's EMS assignments the bot removed and its follow-up must find missing: all but those the old
   * script took from its leavers first.
   */
  const removedEmsOfWaveOne = async () => {
    const taken = bot.script.taken();
    return [...(await waveOneUsers())]
      .map((id) => assignmentKey(id, EMS))
      .filter((key) => !taken.has(key));
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
    expect((await waveAssignments(state, 1)).size).toBe(46);
    expect(directAssignments()).toEqual(await afterWaves());
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
      const movedOff = await waveOneUsers();
      await setEmsGroupPlans(movedOff, (plans) => [...plans, MFA_PREMIUM]);

      clock += 1440 * MINUTE + MINUTE;
      await waitFor('the follow-up', () => cardTitled(/follow-up found/) !== undefined);
      await bot.idle();
      // The 25 pilot users, but any whose direct licenses the old script took as they left.
      const missing = await removedEmsOfWaveOne();
      const problems = missing.length;
      const found = cardTitled(/follow-up found/) ?? [];
      expect(found[0]).toBe(`Wave 1's follow-up found ${problems} problems`);
      expect(found.join('\n')).toMatch(
        /lost MFA_PREMIUM of Enterprise Mobility \+ Security E3: "LIC [^"]+" disables it now/
      );
      // Reported, and nothing given back without a sign-off.
      expect(directAssignments()).toEqual(await afterWaves());
      expect(await statusTexts()).toContainEqual(`${problems} problems`);

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
      // Those the old script takes as they leave go again; the others are back.
      const putBack = await removedEmsOfWaveOne();
      for (const key of putBack) {
        const user = bot.simulator.directory.users.get(key.split('|')[0]);
        const back = user?.directLicenses.get(EMS);
        expect(back).toBeDefined();
        expect(back?.disabledPlans).not.toContain(MFA_PREMIUM);
      }
      // Exactly the assignments found missing, nothing else of the wave.
      expect(directAssignments()).toEqual(await afterWaves(false, putBack));
      expect(cardTitled(/what its follow-up found missing is back/)).toBeDefined();
      // Checked again at once: clean now.
      expect(cardTitled(/^Wave 1's follow-up is clean/)).toBeDefined();
      expect(await statusTexts()).toContainEqual(
        expect.stringMatching(new RegExp(`^clean \\(.*\\), after putting back ${problems}$`))
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
      const movedOff = await waveOneUsers();
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
      expect(directAssignments()).toEqual(await afterWaves());
      // The restore asked for before is out of date: approving it now does nothing.
      const late = await teams.click('approver2', 'approve', restoreButton);
      expect(JSON.stringify(late.value)).toContain('Replaced by a newer card');
      expect(directAssignments()).toEqual(await afterWaves());
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
      expect(directAssignments()).toEqual(await afterWaves(true));
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
      const second = (await contentsOf(state.waveContents, wave1))
        .map((e) => e.userId)
        .filter((id, i, all) => all.indexOf(id) === i)[1];
      // The second user leaves the EMS licensing group between the wave's check of that user and its
      // removal: right after the first read of the user once the wave is approved (its pre-removal check,
      // whatever round trips run beside it), before that read's answer can lead to a removal.
      let left = false;
      bot.simulator.onResponse = (method, url) => {
        if (left || method !== 'GET' || !url.startsWith(`/v1.0/users/${second}?`)) return;
        left = true;
        const directory = bot.simulator.directory;
        const group = [...directory.groups.values()].find((g) => g.licenses.has(EMS));
        group?.members.delete(second);
        if (group) directory.processGroup(group.id);
      };
      await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
      await bot.idle();
      bot.simulator.onResponse = null;
      expect(left).toBe(true);
      expect(cardTitled(/^Wave 1 stopped/)).toBeDefined();
      const user = bot.simulator.directory.users.get(second);
      // Kept, unless the old script took it as the user left.
      expect(user?.directLicenses.has(EMS)).toBe(
        !bot.script.taken().has(assignmentKey(second, EMS))
      );
      // Its follow-up ran on what it did remove, and no sign-off card for wave 2 was opened.
      expect(cardTitled(/^Wave 1's follow-up is clean/)).toBeDefined();
      expect(teams.approvalCards()).toHaveLength(2);
      expect(await statusTexts()).toContainEqual(expect.stringMatching(/^stopped$/));
    });
  });

  describe('release windows', () => {
    beforeEach(() => startWithWaveOneDone({}));

    /** Wave 2's assignments the bot has removed so far (not those the old script took from leavers). */
    const removedOfWaveTwo = async () => {
      const taken = bot.script.taken();
      const direct = directAssignments();
      return [...(await waveAssignments(state, 2))].filter(
        (key) => !direct.has(key) && !taken.has(key)
      );
    };
    /** Wave 2's assignments the bot is to remove: all but those the old script took first. */
    const waveTwoToRemove = async () => {
      const taken = bot.script.taken();
      return [...(await waveAssignments(state, 2))].filter((key) => !taken.has(key));
    };

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
      let removals = 0;
      // Restarted with wave 2's removals under way (counted as Graph answers them, not by requests:
      // the follow-up before it reads several batches at once).
      bot.simulator.onResponse = (_method, url, status) => {
        if (url.endsWith('/assignLicense') && status === 200 && ++removals === 10)
          restarted = bot.restart(() => {
            clock = saturday + 6 * 60 * MINUTE + 30_000;
          });
      };
      clock = saturday + 5 * 60 * MINUTE + 50 * MINUTE;
      await waitFor('the restart', () => restarted !== null);
      await restarted;
      bot.simulator.onResponse = null;
      await waitFor(
        'the window to close',
        () => cardTitled(/end of its release window/) !== undefined
      );
      await bot.idle();
      const removedInWindow = await removedOfWaveTwo();
      expect(removedInWindow.length).toBeGreaterThan(0);
      expect(removedInWindow.length).toBeLessThan((await waveTwoToRemove()).length);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await removedOfWaveTwo()).toEqual(removedInWindow);
      expect(bot.script.lossesNotByScript()).toEqual([]);

      clock = saturday + 7 * 24 * 60 * MINUTE + 120 * MINUTE;
      await waitFor('wave 2 to finish', () => cardTitled(/^Wave 2 finished/) !== undefined);
      await bot.idle();
      expect(directAssignments()).toEqual(await afterWaves(true));
      expect(bot.script.lossesNotByScript()).toEqual([]);
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
      expect(directAssignments()).toEqual(await afterWaves());
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
      const removedInWindow = await removedOfWaveTwo();
      expect(removedInWindow.length).toBeGreaterThan(0);
      expect(removedInWindow.length).toBeLessThan((await waveTwoToRemove()).length);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await removedOfWaveTwo()).toEqual(removedInWindow);
      expect(await statusTexts()).toContainEqual(
        `waits for its window: ${dayText(saturday + 7 * 24 * 60 * MINUTE)} 02:00 UTC`
      );

      bot.simulator.onRequest = null;
      clock = saturday + 7 * 24 * 60 * MINUTE + 120 * MINUTE;
      await waitFor('wave 2 to finish', () => cardTitled(/^Wave 2 finished/) !== undefined);
      await bot.idle();
      expect(directAssignments()).toEqual(await afterWaves(true));
      expect(bot.script.lossesNotByScript()).toEqual([]);
    });
  });
});
