import {
  ConnectorStandIn,
  MAX_MESSAGE_UTF16_BYTES,
  MAX_REFRESH_USER_IDS,
} from '../support/connector-stand-in';

/**
 * The connector stand-in refuses what Teams' connector refuses, so a test of the bot would see it: a
 * call without the bot's token, a message over Teams' size limit, a card refreshed for more than 60.
 */
describe('the connector stand-in is as strict as Teams', () => {
  const TOKEN = 'Bearer token-entra-issued';
  let connector: ConnectorStandIn;
  let serviceUrl: string;

  beforeEach(async () => {
    connector = new ConnectorStandIn({ authorize: (authorization) => authorization === TOKEN });
    serviceUrl = await connector.start();
  });
  afterEach(async () => {
    await connector.stop();
  });

  const send = (body: unknown, authorization: string | undefined = TOKEN) =>
    fetch(`${serviceUrl}v3/conversations/a%3Achat/activities`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify(body),
    });
  const card = (userIds: string[]) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: {
          type: 'AdaptiveCard',
          refresh: { action: { type: 'Action.Execute', verb: 'refreshApproval' }, userIds },
        },
      },
    ],
  });
  const mris = (count: number) => Array.from({ length: count }, (_, i) => `29:user-${i}`);

  it('takes a message carrying the bot’s token', async () => {
    expect((await send({ type: 'message', text: 'hello' })).status).toBe(200);
    expect(connector.messages()).toHaveLength(1);
  });

  it.each([
    ['no token', undefined],
    ['a token Entra did not issue the bot', 'Bearer forged'],
  ])('refuses a call with %s (401), and takes nothing', async (_what, authorization) => {
    const response = await send({ type: 'message', text: 'hello' }, authorization ?? '');
    expect(response.status).toBe(401);
    const roster = await fetch(`${serviceUrl}v3/conversations/a%3Achat/pagedmembers`, {
      headers: authorization ? { authorization } : {},
    });
    expect(roster.status).toBe(401);
    expect(connector.sent).toEqual([]);
    expect(connector.refused.map((r) => r.status)).toEqual([401, 401]);
  });

  it('refuses a message over Teams’ size limit with 413 MessageSizeTooBig', async () => {
    // ASCII text counts two bytes a character in UTF-16.
    const text = 'x'.repeat(MAX_MESSAGE_UTF16_BYTES / 2);
    const response = await send({ type: 'message', text });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'MessageSizeTooBig' } });
    expect(connector.sent).toEqual([]);
    expect((await send({ type: 'message', text: 'x'.repeat(40_000) })).status).toBe(200);
  });

  it('refuses a card refreshed for more than 60 users with 400, and takes one for 60', async () => {
    expect((await send(card(mris(MAX_REFRESH_USER_IDS + 1)))).status).toBe(400);
    expect(connector.sent).toEqual([]);
    expect((await send(card(mris(MAX_REFRESH_USER_IDS)))).status).toBe(200);
  });
});
