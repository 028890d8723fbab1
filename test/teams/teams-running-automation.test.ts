import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';
import { TEST_REPLICATION_LAG_MS } from '../support/durable-setup';

/** The script runs when the test says so (runOnce), never on its own during it. */
const NOT_DURING_THE_TEST = { kind: 'every', ms: 365 * 86_400_000 } as const;

/**
 * The demo tenant's old license script keeps running while the waves run (Microsoft's migration guide:
 * leave it running). Its joiners get direct licenses and are in no group: nobody removes them, and the
 * channel names them after the wave.
 */
describe('the migration through Teams while the old license script keeps running', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeAll(async () => {
    bot = await startBotUnderTest({ automation: NOT_DURING_THE_TEST });
    // What the script did must be readable in the audit log at once here (the latency has its own tests).
    bot.simulator.directory.audit.latencyMs = 0;
    teams = new TeamsDriver(bot);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it("names the script's joiners in the channel after a wave, and their direct licenses stay", async () => {
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    await teams.click(
      'approver1',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver1')
    );
    await bot.idle();
    await teams.say('admin', 'waves 25,rest');
    await bot.idle();
    // The script's night, after the waves were frozen: three joiners licensed directly, in no group.
    const script = bot.simulator.automation;
    if (!script) throw new Error('The demo tenant has its script.');
    const joiners = [script.runOnce(), script.runOnce(), script.runOnce()].flatMap(
      (r) => r.joiners
    );
    await teams.click(
      'approver1',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver1')
    );
    await bot.idle();

    const warning = bot.connector.sent
      .map((a) => cardTexts(cardOf(a)))
      .find((texts) => texts[0] === 'The old automation is still assigning licenses directly');
    expect(warning).toContainEqual(
      expect.stringMatching(
        /^3 joiners got direct licenses from Contoso nightly license script since the waves were frozen/
      )
    );
    for (const joiner of joiners) expect(joiner.directLicenses.size).toBeGreaterThan(0);
    const joinerIds = new Set(joiners.map((j) => j.id));
    const losses = bot.simulator.directory.timeline.losses(bot.simulator.directory.skus);
    expect(losses.filter((loss) => joinerIds.has(loss.userId))).toEqual([]);
  });
});

describe('group population while the old license script keeps running', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeAll(async () => {
    bot = await startBotUnderTest({ automation: NOT_DURING_THE_TEST });
    teams = new TeamsDriver(bot);
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('leaves out of the licensing groups the leavers the script unlicensed after the plan, and says how many and why', async () => {
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
    // While the sign-off waits, the script's nights go by: leavers disabled and their direct licenses taken.
    const script = bot.simulator.automation;
    if (!script) throw new Error('The demo tenant has its script.');
    const runs = [...Array(12)].map(() => script.runOnce());
    const taken = runs.flatMap((r) => r.taken);
    const unlicensed = new Set(taken.map((t) => t.userId));
    expect(unlicensed.size).toBeGreaterThan(0);
    // The sign-off comes later than Entra's replicas catch up: a read within the lag could still show a
    // leaver's license, which no reader can tell from a current one.
    await new Promise((resolve) => setTimeout(resolve, TEST_REPLICATION_LAG_MS));
    await teams.click(
      'approver1',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver1')
    );
    await bot.idle();

    const { directory } = bot.simulator;
    const licensingGroups = [...directory.groups.values()].filter((g) => g.licenses.size > 0);
    for (const userId of unlicensed) {
      expect(
        licensingGroups.filter((g) => g.members.has(userId)).map((g) => g.displayName)
      ).toEqual([]);
      // Nothing licenses the leaver again, and no seat goes to them.
      expect(directory.requireUser(userId).directLicenses.size).toBe(0);
      expect(directory.timeline.forUser(userId).at(-1)?.after).toEqual([]);
    }
    const finished = bot.connector.sent
      .map((a) => cardTexts(cardOf(a)))
      .find((texts) => texts[0] === 'Group assignment finished');
    expect(finished).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${taken.length} planned members? (was|were) left out, so no group licenses them again: ${taken.length} no longer hold it directly`
        )
      )
    );
  });
});
