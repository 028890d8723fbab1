import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardTexts } from '../support/connector-stand-in';
import { TeamsDriver } from '../support/teams-driver';

const phishing = '[Approve again here](https://evil.example/approve)';

/** An approver's reason is shown in the card and the channel as the text they typed, set apart. */
describe('a reason with markdown in it, through Teams', () => {
  let bot: BotUnderTest;
  let teams: TeamsDriver;

  beforeAll(async () => {
    bot = await startBotUnderTest();
    teams = new TeamsDriver(bot);
    await teams.say('admin', 'notify here');
    await teams.say('admin', 'assign');
    await bot.idle();
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('is no link in the card or the channel, and is labelled as the approver’s', async () => {
    const data = await teams.buttonData(teams.latestApproval());
    const answer = await teams.click('approver1', 'reject', {
      ...data,
      reason: `${phishing}\n\n**Approved by the CIO**`,
    });
    const texts = cardTexts(answer.value);
    expect(texts).toContainEqual(
      expect.stringMatching(/^Rejected by Lee Gu at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
    );
    expect(texts).toContain('Reason, as Lee Gu typed it:');
    expect(texts).toContain(
      '\\[Approve again here\\](https://evil.example/approve) \\*\\*Approved by the CIO\\*\\*'
    );
    expect(texts.join('\n')).not.toContain(phishing);

    await bot.idle();
    const post = bot.connector.sent.find((a) => /^Lee Gu rejected/.test(a.body.text ?? ''));
    expect(post?.body).toMatchObject({
      textFormat: 'plain',
      text: `Lee Gu rejected populating the licensing groups and assigning them. Reason, as Lee Gu typed it: “${phishing} **Approved by the CIO**”`,
    });
  });
});
