import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { personalMessage } from '../support/teams-activities';

describe('with a bot app id configured', () => {
  let bot: BotUnderTest;

  beforeAll(async () => {
    bot = await startBotUnderTest({
      env: {
        BOT_ID: '11111111-2222-4333-8444-555555555555',
        BOT_PASSWORD: 'not-a-real-secret',
        BOT_TENANT_ID: '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
      },
    });
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('refuses a request without a Bot Framework token with 401 and does not answer it', async () => {
    const response = await bot.post(personalMessage('inventory', { serviceUrl: bot.serviceUrl }));
    expect(response.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bot.connector.messages()).toEqual([]);
  });

  it('refuses a malformed bearer token with 401', async () => {
    const response = await bot.post(personalMessage('help', { serviceUrl: bot.serviceUrl }), {
      authorization: 'Bearer abc.def.ghi',
    });
    expect(response.status).toBe(401);
  });

  it('logs a refusal as one short line, at most once a minute, and prints no stack trace', async () => {
    const printed = jest.spyOn(console, 'error');
    const before = bot.logs.length;
    for (const authorization of [undefined, 'Bearer abc.def.ghi', 'Basic YTpi', undefined]) {
      const response = await bot.post(
        personalMessage('inventory', { serviceUrl: bot.serviceUrl }),
        authorization ? { authorization } : {}
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'A valid Bot Framework token is required.' });
    }
    const lines = bot.logs.slice(before);
    expect(lines.length).toBeLessThanOrEqual(1);
    for (const line of lines) {
      expect(line).toMatch(/^Refused a request to \/api\/messages/);
      expect(line).not.toContain('\n');
    }
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it('refuses a request without a token before reading its body, whatever it sends', async () => {
    const response = await fetch(`${bot.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nA\r\n--x--\r\n',
    });
    expect(response.status).toBe(401);
  });

  it('still answers health checks, which carry no token, and says nothing else', async () => {
    const response = await fetch(`${bot.botUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
  });
});

describe('without a bot app id (local, for the Agents Playground)', () => {
  it('runs anonymous and answers a request that carries no token', async () => {
    const bot = await startBotUnderTest();
    try {
      const response = await bot.post(personalMessage('help', { serviceUrl: bot.serviceUrl }));
      expect(response.status).toBe(200);
      const [reply] = await bot.connector.waitForMessages(1);
      expect(reply.authorization).toBeUndefined();
    } finally {
      await bot.stop();
    }
  });
});
