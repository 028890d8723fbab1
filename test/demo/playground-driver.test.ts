import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  resolveForceLoopback,
  startPlayground,
  type PlaygroundProcess,
} from '../../src/demo/playground-process';
import { PlaygroundDriver, type Activity } from '../support/playground-driver';

/**
 * End-to-end check of the Playground harness itself (not of our bot): the Playground child process on
 * loopback only, driven over its HTTP/WebSocket API, talking to a tiny stand-in bot. Needs the compiled
 * lib/demo/force-loopback.js (`npm test` builds first; otherwise run `npx tsc -p tsconfig.json`).
 */

const repoRoot = join(__dirname, '..', '..');
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** A user in the Playground's config schema 0.1.1 (every field is required). */
function yamlUser(id: string, name: string, aadObjectId: string): string {
  const [givenName, surname] = name.split(' ');
  const upn = `${givenName.toLowerCase()}@harness.example`;
  return `{ id: ${id}, name: ${name}, userPrincipleName: ${upn}, aadObjectId: ${aadObjectId}, givenName: ${givenName}, surname: ${surname}, email: ${upn} }`;
}

/** Used when the repo has no .m365agentsplayground.yml. The schema wants exactly five `users`. */
const FALLBACK_CONFIG = `version: '0.1.1'
tenantId: 11111111-2222-3333-4444-555555555555
bot: { id: 00000000-0000-0000-0000-00000000000011, name: Harness Bot }
currentUser: ${yamlUser('user-admin', 'Ada Admin', 'aaaaaaaa-0000-0000-0000-000000000010')}
users:
${['Ben', 'Cy', 'Di', 'Ed', 'Flo']
  .map(
    (name, n) =>
      `  - ${yamlUser(`user-${n + 1}`, `${name} User`, `aaaaaaaa-0000-0000-0000-00000000001${n + 1}`)}`
  )
  .join('\n')}
personalChat: { id: personal-chat-admin }
groupChat: { id: group-chat-harness, name: Harness Chat }
team:
  id: team-harness
  name: Harness Team
  aadGroupId: aaaaaaaa-0000-0000-0000-000000000099
  channels: [{ id: channel-ops, name: Ops }]
`;

/** A free loopback port: bind port 0, note it, release it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      try {
        resolve(body ? JSON.parse(body) : undefined);
      } catch (error) {
        reject(error);
      }
    });
  });
}

function card(text: string): { contentType: string; content: Record<string, unknown> } {
  return {
    contentType: ADAPTIVE_CARD,
    content: {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [{ type: 'TextBlock', text }],
      actions: [{ type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { wave: 1 } }],
    },
  };
}

/**
 * The stand-in bot: answers messages with 200, then replies with an Adaptive Card through the
 * Playground's connector (as botbuilder does, to `${serviceUrl}/v3/conversations/:id/activities`);
 * answers Action.Execute invokes with a replacement card naming the clicker.
 */
class DummyBot {
  readonly received: Activity[] = [];
  private readonly server: Server = createServer((request, response) => {
    if (request.method !== 'POST') {
      // The Playground probes the endpoint with HEAD before talking to it.
      // writeHead and end are separate calls throughout: restify, loaded by other test files in this
      // process, replaces http.ServerResponse.prototype.writeHead with one that returns undefined.
      response.writeHead(200);
      response.end();
      return;
    }
    void readJson(request).then(async (body) => {
      const activity = body as Activity;
      this.received.push(activity);
      if (activity.type === 'invoke') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            statusCode: 200,
            type: ADAPTIVE_CARD,
            value: card(`Approved by ${activity.from?.id}`).content,
          })
        );
        return;
      }
      response.writeHead(200);
      response.end();
      if (activity.type !== 'message' || !activity.conversation) return;
      const serviceUrl = String(activity.serviceUrl).replace(/\/$/, '');
      await fetch(
        `${serviceUrl}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            type: 'message',
            from: activity.recipient,
            recipient: activity.from,
            conversation: activity.conversation,
            replyToId: activity.id,
            attachments: [card(`You said: ${activity.text}`)],
          }),
        }
      );
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address !== 'object' || !address) throw new Error('dummy bot has no address');
    return `http://127.0.0.1:${address.port}/api/messages`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** Resolves with the connect error code, or 'connected'. */
function tryConnect(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

describe('Agents Playground harness (dummy bot)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'playground-driver-'));
  const repoConfig = join(repoRoot, '.m365agentsplayground.yml');
  let configPath = repoConfig;
  const bot = new DummyBot();
  let playground: PlaygroundProcess | undefined;
  let driver: PlaygroundDriver | undefined;

  beforeAll(async () => {
    if (!existsSync(repoConfig)) {
      configPath = join(scratch, '.m365agentsplayground.yml');
      writeFileSync(configPath, FALLBACK_CONFIG);
    }
    const botEndpoint = await bot.start();
    playground = await startPlayground({
      botEndpoint,
      port: await freePort(),
      configPath,
      logFile: join(scratch, 'playground.log'),
      cwd: scratch,
    });
    driver = await PlaygroundDriver.connect(playground.url);
  });

  afterAll(async () => {
    await driver?.close();
    await playground?.stop();
    await bot.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  function running(): { playground: PlaygroundProcess; driver: PlaygroundDriver } {
    if (!playground || !driver) throw new Error('the Playground did not start');
    return { playground, driver };
  }

  it('listens on 127.0.0.1 only', async () => {
    const { playground } = running();
    expect(playground.url).toBe(`http://127.0.0.1:${playground.port}`);
    const ss = spawnSync('ss', ['-Hltn', 'sport', '=', `:${playground.port}`], {
      encoding: 'utf8',
    });
    if (ss.status === 0) {
      const locals = ss.stdout
        .trim()
        .split('\n')
        .map((line) => line.trim().split(/\s+/)[3]);
      expect(locals).toEqual([`127.0.0.1:${playground.port}`]);
    }
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address && address.family === 'IPv4' && !address.internal);
    if (external) {
      expect(await tryConnect(external.address, playground.port)).toBe('ECONNREFUSED');
    }
  });

  it('delivers a personal-chat message as the configured user and shows the card reply', async () => {
    const { driver } = running();
    const { config } = driver;
    const sent = await driver.sendMessage('inventory', { conversation: 'personal' });
    expect(sent.conversationId).toBe(config.personalChat.id);

    const reply = await driver.waitForBotActivity(
      (activity) =>
        activity.conversation?.id === config.personalChat.id &&
        activity.attachments?.[0]?.contentType === ADAPTIVE_CARD
    );
    expect(reply.statusCode).toBe(201);
    expect(reply.messageId).toEqual(expect.any(String));
    expect(reply.activity.attachments?.[0]?.content).toMatchObject({
      body: [{ text: 'You said: inventory' }],
    });

    const delivered = bot.received.find((a) => a.type === 'message' && a.text === 'inventory');
    expect(delivered).toMatchObject({
      channelId: 'msteams',
      serviceUrl: `http://localhost:${running().playground.port}/_connector`,
      conversation: {
        id: config.personalChat.id,
        conversationType: 'personal',
        tenantId: config.tenantId,
      },
      from: { id: config.currentUser.id, aadObjectId: config.currentUser.aadObjectId },
      recipient: { id: config.bot.id },
      channelData: { tenant: { id: config.tenantId } },
    });
    expect(reply.activity.replyToId).toBe(delivered?.id);

    // The chat UI's stream shows the same card.
    const rendered = await driver.waitForRenderedMessage((m) => m.messageId === reply.messageId);
    expect(rendered).toMatchObject({
      action: 'createMessage',
      conversationId: config.personalChat.id,
      from: { id: config.bot.id },
      attachments: [{ contentType: ADAPTIVE_CARD }],
    });
  });

  it('reaches the bot from a channel only with an @mention; invokes run as the chosen user', async () => {
    const { driver } = running();
    const { config } = driver;
    const general = config.teams[0].channels[0];

    const silent = await driver.sendMessage('not for the bot', {
      conversation: 'channel',
      mentionBot: false,
    });
    const post = await driver.sendMessage('status', { conversation: 'channel' });
    expect(post.conversationId).toBe(`${general.id};messageid=${post.messageId}`);

    const reply = await driver.waitForBotActivity(
      (activity) => activity.conversation?.id === post.conversationId
    );
    const delivered = bot.received.filter((a) => a.type === 'message' && a.text !== 'inventory');
    expect(delivered.map((a) => a.text)).toEqual([`<at>${config.bot.name}</at> status`]);
    expect(delivered[0]).toMatchObject({
      conversation: { id: post.conversationId, conversationType: 'channel', isGroup: true },
      entities: expect.arrayContaining([
        expect.objectContaining({
          type: 'mention',
          mentioned: expect.objectContaining({ id: config.bot.id }),
        }),
      ]),
    });
    expect(bot.received.some((a) => a.conversation?.id?.includes(silent.messageId))).toBe(false);

    const approver = config.users[0];
    const response = await driver.sendInvoke({
      user: approver.name,
      verb: 'approve',
      data: { wave: 1 },
      card: reply,
    });
    expect(response).toMatchObject({
      type: ADAPTIVE_CARD,
      value: { body: [{ text: `Approved by ${approver.id}` }] },
    });
    const invoke = bot.received.find((a) => a.type === 'invoke');
    expect(invoke).toMatchObject({
      name: 'adaptiveCard/action',
      replyToId: reply.messageId,
      from: { id: approver.id, aadObjectId: approver.aadObjectId },
      conversation: { id: post.conversationId, tenantId: config.tenantId },
      value: { action: { type: 'Action.Execute', verb: 'approve', data: { wave: 1 } } },
    });
    const answered = await driver.waitForDelivery((a) => a.type === 'invoke');
    expect(answered.statusCode).toBe(200);
  });

  it('pins every argument form of listen() to loopback, and leaves explicit hosts and paths alone', async () => {
    const socketPath = join(scratch, 'pipe.sock');
    const script = `
      const net = require('net');
      const forms = [
        (s, cb) => s.listen(0, cb),
        (s, cb) => s.listen('0', cb),
        (s, cb) => s.listen(0, 5, cb),
        (s, cb) => s.listen({ port: 0 }, cb),
        (s, cb) => s.listen(cb),
        (s, cb) => s.listen(0, '0.0.0.0', cb),
        (s, cb) => s.listen(${JSON.stringify(socketPath)}, cb),
      ];
      (async () => {
        const out = [];
        for (const form of forms) {
          const server = net.createServer();
          await new Promise((resolve) => form(server, resolve));
          const a = server.address();
          out.push(typeof a === 'string' ? 'path' : a.address);
          await new Promise((resolve) => server.close(resolve));
        }
        console.log(JSON.stringify(out));
      })();`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ['-r', resolveForceLoopback(), '-e', script],
        { timeout: 10_000 },
        (error, out) => (error ? reject(error) : resolve(out))
      )
    );
    expect(JSON.parse(stdout)).toEqual([
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
      '127.0.0.1',
      '0.0.0.0',
      'path',
    ]);
  });

  it('reports the port it fell back to when the requested one is busy, and stop() frees it', async () => {
    const occupant = createTcpServer();
    await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
    const address = occupant.address();
    const busyPort = typeof address === 'object' && address ? address.port : 0;
    try {
      const second = await startPlayground({
        botEndpoint: 'http://127.0.0.1:9/api/messages',
        port: busyPort,
        configPath,
        logFile: join(scratch, 'busy.log'),
        cwd: scratch,
      });
      expect(second.port).not.toBe(busyPort);
      expect(await (await fetch(`${second.url}/_debug/ping`)).text()).toBe('pong');
      await second.stop();
      expect(await tryConnect('127.0.0.1', second.port)).toBe('ECONNREFUSED');
    } finally {
      await new Promise((resolve) => occupant.close(resolve));
    }
  });

  it('rejects with the Playground output when it exits during startup', async () => {
    const badConfig = join(scratch, 'too-few-users.yml');
    // Four users: the schema wants five.
    writeFileSync(badConfig, FALLBACK_CONFIG.replace(/^ {2}- .*user-5.*\n/m, ''));
    await expect(
      startPlayground({
        botEndpoint: 'http://127.0.0.1:9/api/messages',
        port: await freePort(),
        configPath: badConfig,
        logFile: join(scratch, 'bad.log'),
        cwd: scratch,
      })
    ).rejects.toThrow(/exited during startup[\s\S]*"\/users": must NOT have fewer than 5 items/);
  });
});
