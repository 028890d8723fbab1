import { request } from 'node:http';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isTokenValidationNoise } from '../../src/teams/bot-adapter';
import {
  MAX_ACTIVITY_BYTES,
  rateLimited,
  refuseBeforeReading,
} from '../../src/teams/routes/messages-route';
import { startBotUnderTest, type BotUnderTest } from '../support/bot-harness';
import { personalMessage } from '../support/teams-activities';

/** One raw HTTP request, so a test controls every header (Host, Content-Length, chunking). */
function raw(
  url: string,
  options: { headers: Record<string, string>; body?: string | Buffer; chunks?: Buffer[] }
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/api/messages`,
      { method: 'POST', headers: options.headers },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (chunk: Buffer) => parts.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString() })
        );
      }
    );
    // The server may answer and close before the whole body is sent: the answer is what counts.
    req.on('error', (error: NodeJS.ErrnoException) =>
      ['EPIPE', 'ECONNRESET'].includes(error.code ?? '') ? undefined : reject(error)
    );
    if (options.chunks) {
      const write = (index: number) => {
        if (index === options.chunks!.length || req.destroyed) return void req.end();
        req.write(options.chunks![index], () => write(index + 1));
      };
      write(0);
    } else req.end(options.body);
  });
}

const uploads = () => readdirSync(tmpdir()).filter((name) => name.startsWith('upload_'));

describe('what /api/messages takes from an anonymous caller (tenant simulator only)', () => {
  let bot: BotUnderTest;
  // A new activity each time: Teams' re-deliveries (same id) are answered once.
  let activity: () => string;

  beforeAll(async () => {
    bot = await startBotUnderTest();
    activity = () => JSON.stringify(personalMessage('help', { serviceUrl: bot.serviceUrl }));
  });
  afterAll(async () => {
    await bot.stop();
  });

  it('takes an activity as JSON, with or without a UTF-8 charset', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8']) {
      const response = await raw(bot.botUrl, {
        headers: { 'content-type': type },
        body: activity(),
      });
      expect(response.status).toBe(200);
    }
    await bot.connector.waitForMessages(2);
  });

  it.each([
    ['a form post, which a web page can send without asking', 'application/x-www-form-urlencoded'],
    ['a file upload', 'multipart/form-data; boundary=x'],
    ['plain text', 'text/plain'],
    ['JSON in another charset', 'application/json; charset=utf-16'],
    ['no content type', ''],
  ])('refuses %s with 415 and acts on nothing', async (_what, type) => {
    const sent = bot.connector.messages().length;
    const before = uploads();
    const body =
      type === 'application/x-www-form-urlencoded'
        ? 'type=message&text=notify%20here&from[aadObjectId]=x'
        : type.startsWith('multipart')
          ? '--x\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\n\r\nAAAA\r\n--x--\r\n'
          : activity();
    const response = await raw(bot.botUrl, {
      headers: type ? { 'content-type': type } : {},
      body,
    });
    expect(response.status).toBe(415);
    expect(JSON.parse(response.body)).toEqual({
      error: 'An activity must be sent as application/json.',
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bot.connector.messages()).toHaveLength(sent);
    expect(uploads()).toEqual(before);
  });

  it('refuses a compressed body with 415: it would be inflated past the limit unseen', async () => {
    const response = await raw(bot.botUrl, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: activity(),
    });
    expect(response.status).toBe(415);
  });

  it(`refuses a body over ${MAX_ACTIVITY_BYTES / 1024} KB with 413, declared or not`, async () => {
    const large = JSON.stringify({ type: 'message', text: 'x'.repeat(MAX_ACTIVITY_BYTES) });
    const declared = await raw(bot.botUrl, {
      headers: {
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength(large)),
      },
      body: large,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ error: 'An activity may be at most 256 KB.' });
    // Chunked, so no length is declared: 64 chunks of 64 KB, 4 MB in all, refused once 256 KB are in.
    const chunked = await raw(bot.botUrl, {
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 'x')),
    });
    expect(chunked.status).toBe(413);
    // Exactly at the limit is still taken (and answered as a proper activity).
    const padded = JSON.parse(activity()) as Record<string, unknown>;
    padded.padding = '';
    padded.padding = 'x'.repeat(MAX_ACTIVITY_BYTES - Buffer.byteLength(JSON.stringify(padded)));
    const atLimit = JSON.stringify(padded);
    expect(Buffer.byteLength(atLimit)).toBe(MAX_ACTIVITY_BYTES);
    const taken = await raw(bot.botUrl, {
      headers: { 'content-type': 'application/json' },
      body: atLimit,
    });
    expect(taken.status).toBe(200);
  });

  it.each([
    ['malformed JSON', '{"type": "message", ', 'The body is not valid JSON.'],
    ['a JSON array', '[1,2]', 'The body is not a Bot Framework activity (a JSON object).'],
    [
      'JSON without a type',
      '{"text":"help"}',
      'The body is not a Bot Framework activity: it has no type.',
    ],
  ])('answers %s with 400 and no internal error text', async (_what, body, error) => {
    const response = await raw(bot.botUrl, {
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error });
  });

  it('answers an activity without sender or conversation with 400 naming what is missing, not a crash', async () => {
    const response = await raw(bot.botUrl, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'help' }),
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'The activity has no channelId.' });
  });

  it('routes as before on the patched router: 405 for another method, 404 for another path', async () => {
    expect((await fetch(`${bot.botUrl}/api/messages`)).status).toBe(405);
    expect((await fetch(`${bot.botUrl}/api/nothing-here`)).status).toBe(404);
    expect((await fetch(`${bot.botUrl}/api/reports/unknown-token`)).status).toBe(404);
    expect(await (await fetch(`${bot.botUrl}/healthz`)).text()).toBe('ok');
  });

  it('answers only requests addressed to loopback: a re-pointed host name gets 403', async () => {
    const port = new URL(bot.botUrl).port;
    const answered = bot.connector.messages().length;
    for (const host of ['127.0.0.1', 'localhost', '[::1]'].map((name) => `${name}:${port}`)) {
      const response = await raw(bot.botUrl, {
        headers: { 'content-type': 'application/json', host },
        body: activity(),
      });
      expect(response.status).toBe(200);
    }
    await bot.connector.waitForMessages(answered + 3);
    // DNS rebinding: the attacker's page reaches 127.0.0.1 under its own name, which the browser sends.
    for (const host of [
      `attacker.example:${port}`,
      'attacker.example',
      `127.0.0.1.attacker.example:${port}`,
    ]) {
      const response = await raw(bot.botUrl, {
        headers: { 'content-type': 'application/json', host },
        body: activity(),
      });
      expect(response.status).toBe(403);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bot.connector.messages()).toHaveLength(answered + 3);
  });
});

describe('the checks made on the headers alone', () => {
  const json = { 'content-type': 'application/json', host: '127.0.0.1:3978' };

  it('asks an authenticated bot for a bearer token first, whatever else is wrong', () => {
    expect(refuseBeforeReading({ ...json, 'content-type': 'text/plain' }, false)).toMatchObject({
      status: 401,
    });
    expect(refuseBeforeReading({ ...json, authorization: 'Bearer' }, false)).toMatchObject({
      status: 401,
    });
    expect(refuseBeforeReading({ ...json, authorization: 'Bearer x.y.z' }, false)).toBeNull();
    expect(
      refuseBeforeReading(
        { ...json, host: 'bot.contoso.com', authorization: 'Bearer x.y.z' },
        false
      )
    ).toBeNull();
  });

  it('refuses a declared length over the limit, and one that is not a number', () => {
    for (const length of [String(MAX_ACTIVITY_BYTES + 1), 'abc', '-1e999'])
      expect(refuseBeforeReading({ ...json, 'content-length': length }, true)).toMatchObject({
        status: 413,
      });
    expect(
      refuseBeforeReading({ ...json, 'content-length': String(MAX_ACTIVITY_BYTES) }, true)
    ).toBeNull();
  });

  it("keeps the token library's console noise about a bad token out of the log, and nothing else", () => {
    const expired = Object.assign(new Error('jwt expired'), { name: 'TokenExpiredError' });
    expect(isTokenValidationNoise([expired])).toBe(true);
    expect(
      isTokenValidationNoise(['Error finding key for token. Available keys: -----BEGIN RSA'])
    ).toBe(true);
    expect(isTokenValidationNoise([new Error('storage down')])).toBe(false);
    expect(isTokenValidationNoise(['Turn failed'])).toBe(false);
  });

  it('logs refusals at most once per interval, and tells how many it left out', () => {
    const lines: string[] = [];
    let now = 1_000_000;
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
    const log = rateLimited((line) => lines.push(line), 60_000);
    log('Refused one.');
    now += 1_000;
    log('Refused two.');
    log('Refused three.');
    now += 60_000;
    log('Refused four.');
    clock.mockRestore();
    expect(lines).toEqual([
      'Refused one.',
      'Refused four. (and 2 more refused since the last such line)',
    ]);
  });
});
