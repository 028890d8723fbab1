import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { directAssignmentsOf, waveAssignments } from '../support/script-record';
import { TeamsDriver } from '../support/teams-driver';

/** Pause, resume and rollback as the admin and approvers use them in Teams. */
describe('controlling waves from Teams', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  const directAssignments = () => directAssignmentsOf(bot.simulator);
  /** The tenant's direct assignments once wave 1 ran: the old script's joiners and leavers counted in. */
  const afterWaveOne = async () =>
    bot.script.expectedDirect({ removedByBot: await waveAssignments(bot.state, 1) });

  beforeEach(async () => {
    bot = await startBotUnderTest();
    teams = new TeamsDriver(bot);
    await teams.untilWavesProposed('25,rest');
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('holds an approved wave while paused, and runs it on resume', async () => {
    expect(await teams.replies('admin', 'pause')).toEqual([
      'Paused: the running wave stops after the users in hand, and no wave starts until `resume`.',
    ]);
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    expect(directAssignments()).toEqual(bot.script.expectedDirect());
    const status = await teams.say('finance', 'status');
    expect(cardTexts(cardOf(status[0]))).toContainEqual(
      expect.stringMatching(/^Paused by Adele Vance/)
    );
    expect(await teams.replies('finance', 'resume')).toEqual([
      expect.stringContaining('Megan Bowen is not a member of the migration admins group'),
    ]);

    expect(await teams.replies('admin', 'resume')).toEqual(['Resumed: approved waves go on.']);
    await bot.idle();
    expect(directAssignments()).toEqual(await afterWaveOne());
    expect(await teams.replies('admin', 'resume')).toEqual(['Nothing is paused.']);
  });

  it('rolls a wave back after its own sign-off, putting back exactly what it removed', async () => {
    await teams.click('approver1', 'approve', await teams.buttonData(teams.latestApproval()));
    await bot.idle();
    expect(directAssignments()).toEqual(await afterWaveOne());
    expect(await teams.replies('admin', 'rollback 2')).toEqual([
      'Wave 2 is waiting for sign-off: only a wave that has run can be rolled back.',
    ]);
    expect((await teams.replies('admin', 'rollback 1'))[0]).toContain(
      'Asked for sign-off on the rollback of wave 1'
    );
    await bot.idle();
    await teams.click(
      'approver2',
      'approve',
      await teams.buttonData(teams.latestApproval(), 'approver2')
    );
    await bot.idle();
    // Everything the wave removed is back, but what the old script took from leavers since.
    expect(directAssignments()).toEqual(bot.script.expectedDirect());
    expect(bot.script.lossesNotByScript()).toEqual([]);
    const wave = await teams.say('finance', 'wave 1');
    expect(cardTexts(cardOf(wave[0]))[0]).toBe('Wave 1: rolled back');
    expect(bot.connector.sent.some((a) => cardTexts(cardOf(a))[0] === 'Wave 1 rolled back')).toBe(
      true
    );
  });

  it('says which wave numbers exist when asked for one that does not', async () => {
    expect(await teams.replies('finance', 'wave 9')).toEqual([
      'There is no wave 9; the waves are numbered 1 to 2.',
    ]);
  });
});
