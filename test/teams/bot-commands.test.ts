import { DEMO_PEOPLE } from '../../src/simulator/scenarios/demo-tenant';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { cardOf, cardTexts } from '../support/connector-stand-in';
import { channelMention, personalMessage } from '../support/teams-activities';

describe('the bot answers commands through its real HTTP endpoint', () => {
  let bot: BotUnderTest;

  beforeEach(async () => {
    // The inventory card's exact figures (1,000 users, seats) are of a still tenant: no joiners or leavers.
    bot = await startBotUnderTest({ automation: false });
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('answers help with an Adaptive Card listing the commands', async () => {
    const response = await bot.post(personalMessage('help', { serviceUrl: bot.serviceUrl }));
    expect(response.status).toBe(200);
    const [reply] = await bot.connector.waitForMessages(1);
    const card = cardOf(reply);
    expect(card).toMatchObject({ type: 'AdaptiveCard' });
    const texts = cardTexts(card);
    expect(texts).toEqual(expect.arrayContaining(['help', 'inventory']));
    expect(reply.path).toContain(encodeURIComponent(`a:personal-`));
  });

  it('answers inventory with seats and how each license is held, per SKU, read through Graph', async () => {
    await bot.post(personalMessage('inventory', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    const texts = cardTexts(cardOf(reply));
    const ems = texts.indexOf('Enterprise Mobility + Security E3');
    const e3 = texts.indexOf('Office 365 E3');
    expect(ems).toBeGreaterThanOrEqual(0);
    expect(e3).toBeGreaterThan(ems);
    // EMS: 1,100 seats, 1,000 used, 100 free; 1,000 direct only, none through groups.
    expect(texts.slice(ems, e3)).toEqual(
      expect.arrayContaining(['1,100', '1,000', '100', 'Direct only', 'Group only', 'Both', '0'])
    );
    // Office 365 E3: 250 seats, 200 used (Finance), 50 free.
    expect(texts.slice(e3)).toEqual(expect.arrayContaining(['250', '200', '50']));
    expect(texts.join(' ')).toContain('1,000 users');
    // The demo's nightly script, found in the audit log.
    expect(texts.join(' ')).toContain('Contoso nightly license script assigned licenses directly');
  });

  it('answers verify before any group gives the direct licenses: every one stays, none to spot-check', async () => {
    await bot.post(personalMessage('verify', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    const texts = cardTexts(cardOf(reply));
    expect(texts[0]).toBe('Verification');
    expect(texts.join(' ')).toContain('0 can go, 1,000 must stay');
    expect(texts.join(' ')).not.toContain('Spot-check');
  });

  it('reads every user page by page with $select and $top=999', async () => {
    const requests: string[] = [];
    bot.simulator.onRequest = (method, url) => requests.push(`${method} ${url}`);
    await bot.post(personalMessage('inventory', { serviceUrl: bot.serviceUrl }));
    await bot.connector.waitForMessages(1);
    const userPages = requests.filter((r) => r.startsWith('GET /v1.0/users'));
    expect(userPages).toHaveLength(2);
    expect(decodeURIComponent(userPages[0])).toContain('$top=999');
    expect(decodeURIComponent(userPages[0])).toContain('$select=');
    expect(decodeURIComponent(userPages[1])).toContain('$skiptoken=');
  });

  it('answers an @mention in a channel in that thread', async () => {
    await bot.post(channelMention('help', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    expect(cardOf(reply)).toBeDefined();
    expect(reply.conversationId).toContain('19:license-migration@thread.tacv2');
  });

  it('names the closest command when the text is not one', async () => {
    await bot.post(personalMessage('inventroy', { serviceUrl: bot.serviceUrl }));
    const [reply] = await bot.connector.waitForMessages(1);
    expect(reply.body.text).toContain('Did you mean `inventory`?');
    expect(cardOf(reply)).toBeUndefined();
  });

  it('says what a malformed command needs, and does nothing', async () => {
    await bot.post(personalMessage('wave two', { serviceUrl: bot.serviceUrl }));
    await bot.post(personalMessage('status now', { serviceUrl: bot.serviceUrl }));
    const replies = await bot.connector.waitForMessages(2);
    expect(replies.map((r) => r.body.text)).toEqual([
      '"two" is not a wave number; try `wave 2`.',
      '`status` takes no arguments. Try `status`.',
    ]);
  });

  it('refuses activities from another tenant and reads nothing from Graph', async () => {
    const requests: string[] = [];
    bot.simulator.onRequest = (method, url) => requests.push(`${method} ${url}`);
    const other = '0f0e0d0c-0b0a-4908-8706-050403020100';
    await bot.post(personalMessage('inventory', { serviceUrl: bot.serviceUrl, tenantId: other }));
    const [reply] = await bot.connector.waitForMessages(1);
    expect(reply.body.text).toContain('serves one organization only');
    expect(cardOf(reply)).toBeUndefined();
    expect(requests).toEqual([]);
  });

  it('tells the admin when Graph cannot be read, and changes nothing', async () => {
    await bot.simulator.stop();
    await bot.post(
      personalMessage('inventory', {
        serviceUrl: bot.serviceUrl,
        from: { id: '29:x', name: DEMO_PEOPLE.admin.name, aadObjectId: DEMO_PEOPLE.admin.id },
      })
    );
    const [reply] = await bot.connector.waitForMessages(1, 20_000);
    expect(reply.body.text).toContain('I could not complete `inventory` (Microsoft Graph');
    expect(reply.body.text).toContain('Nothing was changed');
  });
});
