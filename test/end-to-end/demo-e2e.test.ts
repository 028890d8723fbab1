import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import {
  DEMO_AUTOMATION,
  DEMO_DOMAIN,
  DEMO_PEOPLE,
  DEMO_TENANT_ID,
} from '../../src/simulator/scenarios/demo-tenant';
import { graphCall } from '../support/graph-http';
import { cardTexts } from '../support/connector-stand-in';
import { freePort, isListening } from '../support/free-port';
import { PlaygroundDriver } from '../support/playground-driver';

/**
 * The embedded demo exactly as `npm start` runs it (lib/demo/run-demo.js, built by pretest): simulator,
 * bot and Agents Playground, driven over the Playground's HTTP API as a person would use it.
 */
describe('the embedded demo in the Agents Playground', () => {
  let demo: ChildProcessWithoutNullStreams;
  let ports: { bot: number; playground: number; simulator: number };
  let playgroundUrl: string;
  let driver: PlaygroundDriver;
  const output: string[] = [];

  beforeAll(async () => {
    ports = { bot: await freePort(), playground: await freePort(), simulator: await freePort() };
    demo = spawn(process.execPath, [join(__dirname, '..', '..', 'lib', 'demo', 'run-demo.js')], {
      env: {
        PATH: process.env.PATH,
        PORT: String(ports.bot),
        PLAYGROUND_PORT: String(ports.playground),
        SIMULATOR_PORT: String(ports.simulator),
        // The demo's soak period is two minutes; here a quarter of one.
        FOLLOW_UP_AFTER_MINUTES: '0.25',
        ALLOW_UNSAFE_TIMINGS: 'true',
      },
    });
    demo.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    playgroundUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`demo did not start: ${output.join('')}`)),
        60_000
      );
      demo.stdout.on('data', (chunk: Buffer) => {
        output.push(chunk.toString());
        const match = /open (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      demo.once('exit', (code) =>
        reject(new Error(`demo exited with ${code}: ${output.join('')}`))
      );
    });
    driver = await PlaygroundDriver.connect(playgroundUrl);
  }, 90_000);

  afterAll(async () => {
    await driver?.close();
    // SIGINT, not SIGKILL: the demo stops its Playground child itself.
    if (demo && demo.exitCode === null) {
      demo.kill('SIGINT');
      await new Promise((resolve) => demo.once('exit', resolve));
    }
  });

  it('prints exactly one line, with the Playground URL to open', () => {
    const lines = output.join('').trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(playgroundUrl).toBe(`http://127.0.0.1:${ports.playground}`);
  });

  it('answers inventory in the personal chat with the demo tenant card, as the admin', async () => {
    await driver.sendMessage('inventory', { conversation: 'personal' });
    const delivered = await driver.waitForDelivery(
      (a) => a.type === 'message' && a.text === 'inventory'
    );
    expect(delivered.activity.conversation?.tenantId).toBe(DEMO_TENANT_ID);
    expect(delivered.activity.from?.aadObjectId).toBe(DEMO_PEOPLE.admin.id);
    const reply = await driver.waitForBotActivity(
      (a) =>
        a.attachments?.some((x) => x.contentType === 'application/vnd.microsoft.card.adaptive') ??
        false,
      30_000
    );
    expect(reply.statusCode).toBe(201);
    const texts = cardTexts(reply.activity.attachments?.[0]?.content);
    expect(texts).toEqual(
      expect.arrayContaining([
        'License inventory',
        'Enterprise Mobility + Security E3',
        'Office 365 E3',
        '1,000',
        '200',
      ])
    );
  }, 40_000);

  it('answers help when @mentioned in the License migration channel', async () => {
    await driver.sendMessage('help', { conversation: 'channel', channel: 'License migration' });
    const reply = await driver.waitForBotActivity(
      (a) => (a.conversation?.id ?? '').includes(';messageid=') && (a.attachments?.length ?? 0) > 0,
      20_000
    );
    expect(cardTexts(reply.activity.attachments?.[0]?.content)).toEqual(
      expect.arrayContaining(['help', 'inventory'])
    );
  }, 30_000);

  /** Types a line in the demo's terminal (as the second person) and returns the demo's answer. */
  async function terminal(line: string): Promise<string> {
    const before = output.join('').split('\n').length;
    demo.stdin.write(`${line}\n`);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const lines = output.join('').split('\n');
      if (lines.length > before && lines[lines.length - 1] === '') return lines[lines.length - 2];
      if (Date.now() > deadline) throw new Error(`No answer to "${line}": ${output.join('')}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const cardTitled = (title: RegExp, timeoutMs = 30_000) =>
    driver.waitForBotActivity(
      (a) =>
        title.test(
          (a.attachments?.[0]?.content as { body?: { text?: string }[] } | undefined)?.body?.[0]
            ?.text ?? ''
        ),
      timeoutMs
    );

  it('runs the whole migration in the channel, the approvers signing off from the terminal', async () => {
    const channel = { conversation: 'channel' as const, channel: 'License migration' };
    await driver.sendMessage('notify here', channel);
    await driver.waitForBotActivity((a) => /gets the migration notifications/.test(a.text ?? ''));
    await driver.sendMessage('assign', channel);
    await cardTitled(/^Sign-off needed: populating the licensing groups/);
    expect(await terminal('approve as Megan')).toContain('Megan Bowen sees no approve button');
    expect(await terminal('approve as Lee')).toMatch(
      /^Sign-off needed: .* — Approved by Lee Gu at/
    );
    await cardTitled(/^Group assignment finished/, 60_000);

    await driver.sendMessage('waves 25,rest', channel);
    await cardTitled(/^Sign-off needed: removal wave 1/);
    expect(await terminal('approve as Lee')).toContain('Approved by Lee Gu');
    await cardTitled(/^Wave 1 finished/);
    await cardTitled(/^Sign-off needed: removal wave 2/);
    // Wave 2 waits for wave 1's follow-up; meanwhile a colleague changes the EMS licensing group.
    expect(await terminal('approve as Nestor')).toContain("Wave 1's follow-up is not done yet");
    expect(await terminal('change group')).toContain('disabled Multi-Factor Authentication');
    const found = await cardTitled(/^Wave 1's follow-up found 25 problems/, 45_000);
    expect(cardTexts(found.activity.attachments?.[0]?.content).join('\n')).toContain(
      'disables it now'
    );
    await cardTitled(/^Sign-off needed: putting back what wave 1's follow-up found missing/);
    // Lee released wave 1, whose follow-up asked for this: another approver must sign it off.
    expect(await terminal('approve as Lee')).not.toContain('Approved by');
    expect(await terminal('approve as Nestor')).toContain('Approved by Nestor Wilke');
    await cardTitled(/^Wave 1: what its follow-up found missing is back/);
    // Wave 1's users are checked again once replicas have caught up with what was put back.
    await cardTitled(/^Wave 1's follow-up is clean/);

    // Released in a window that is open now (its time zone said).
    const hour = new Date().getUTCHours();
    const window = `daily ${String((hour + 23) % 24).padStart(2, '0')}:00-${String((hour + 2) % 24).padStart(2, '0')}:00 UTC`;
    expect(await terminal(`approve as Nestor in ${window}`)).toContain('Approved by Nestor Wilke');
    const started = await cardTitled(/^Wave 2 started/);
    expect(cardTexts(started.activity.attachments?.[0]?.content)).toContainEqual(
      expect.stringMatching(/^Runs in its window daily .* UTC: open now/)
    );
    await cardTitled(/^Wave 2 finished/);

    await driver.sendMessage('status', { conversation: 'personal' });
    const status = await cardTitled(/^Migration status/);
    const texts = cardTexts(status.activity.attachments?.[0]?.content);
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^Every wave is done: see `report`, and point the old automation at the licensing groups\. Wave 2's users are checked again/
      )
    );
    expect(texts).toContainEqual(expect.stringMatching(/^clean \(.*\), after putting back 25$/));
    expect(texts).toContain('Licenses over time: direct only, both, group only');
    // The old license script ran during the migration, on the demo's own schedule: its first joiner exists.
    const firstJoiner = `joiner1.${DEMO_AUTOMATION.appId.slice(0, 4)}@${DEMO_DOMAIN}`;
    const simulator = `https://127.0.0.1:${ports.simulator}`;
    expect((await graphCall(simulator, 'GET', `/v1.0/users/${firstJoiner}`)).status).toBe(200);
  }, 180_000);

  it('stops the Playground, the bot and the simulator cleanly on Ctrl-C', async () => {
    const exited = new Promise<number | null>((resolve) =>
      demo.once('exit', (code) => resolve(code))
    );
    demo.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) expect(await isListening(port)).toBe(false);
  }, 20_000);
});
