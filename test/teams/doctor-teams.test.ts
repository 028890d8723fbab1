import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import { BOT_PERMISSIONS } from '../../src/simulator/graph-permissions';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { personalMessage } from '../support/teams-activities';

const as = (person: { id: string; name: string }) => ({
  id: `29:${person.id}`,
  name: person.name,
  aadObjectId: person.id,
});

describe('doctor in Teams', () => {
  let bot: BotUnderTest;

  beforeEach(async () => {
    bot = await startBotUnderTest();
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('tells an admin which permissions are missing, the steps they block, and that no channel is set', async () => {
    // Consent withdrawn after start-up: the bot runs, but could not assign or remove a license.
    bot.simulator.grantedPermissions = new Set(
      BOT_PERMISSIONS.filter(
        (p) => !['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All'].includes(p)
      )
    );
    await bot.post(
      personalMessage('doctor', { serviceUrl: bot.serviceUrl, from: as(DEMO_PEOPLE.admin) })
    );
    const [reply] = await bot.connector.waitForMessages(1);
    const texts = cardTexts(cardOf(reply));
    const all = texts.join('\n');
    expect(texts).toContain('3 things need fixing first.');
    expect(all).toMatch(
      /LicenseAssignment\.ReadWrite\.All is missing \(Graph answered 403 Authorization_RequestDenied\).*`assign`, `waves` cannot run/
    );
    expect(all).toMatch(/User\.ReadWrite\.All is missing .*`reprocess` cannot run/);
    expect(all).toContain('No notification channel is set');
    expect(all).toContain("The bot's storage takes a write and gives it back.");
    expect(all).toContain(
      'The approver group d194f076-82a3-44b5-80c1-7c8d9eafb0c6 exists and has members.'
    );
    expect(texts.filter((t) => t === '✗')).toHaveLength(3);
  });

  it('is for admins only', async () => {
    await bot.post(
      personalMessage('doctor', { serviceUrl: bot.serviceUrl, from: as(DEMO_PEOPLE.approver1) })
    );
    const [reply] = await bot.connector.waitForMessages(1);
    expect(reply.body.text).toContain(
      'is not a member of the migration admins group, so cannot run `doctor`'
    );
    expect(cardOf(reply)).toBeUndefined();
  });
});
