import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, readBotSettings } from '../src/config';

const SIMULATOR = 'https://127.0.0.1:44300';

describe('settings are read from the environment and checked once', () => {
  it('defaults to port 3978 on loopback, anonymous, with the development token for a loopback Graph', () => {
    const settings = readBotSettings({ GRAPH_BASE_URL: SIMULATOR });
    expect(settings.port).toBe(3978);
    expect(settings.host).toBe('127.0.0.1');
    expect(settings.botIdentity).toBeNull();
    expect(settings.tenantId).toBeNull();
    expect(settings.graph.credential.kind).toBe('development-token');
    expect(settings.graph.trustedCertificatePath).toMatch(/loopback-cert\.pem$/);
  });

  it('checks a wave again a day after it by default, or after the soak period given in minutes', () => {
    expect(readBotSettings({ GRAPH_BASE_URL: SIMULATOR }).followUpAfterMs).toBe(86_400_000);
    expect(
      readBotSettings({ GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '2' }).followUpAfterMs
    ).toBe(120_000);
  });

  it('accepts the Graph endpoint with or without /v1.0 and keeps only its origin', () => {
    expect(readBotSettings({ GRAPH_BASE_URL: `${SIMULATOR}/v1.0/` }).graph.baseUrl).toBe(SIMULATOR);
  });

  it('trusts no private certificate and needs a real credential for graph.microsoft.com', () => {
    const settings = readBotSettings({
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      GRAPH_CREDENTIAL: 'managed-identity',
    });
    expect(settings.graph.trustedCertificatePath).toBeUndefined();
    expect(settings.graph.credential).toEqual({ kind: 'managed-identity', clientId: undefined });
  });

  it.each([
    [{}, /^GRAPH_BASE_URL is required/],
    [{ GRAPH_BASE_URL: 'graph.microsoft.com' }, /^GRAPH_BASE_URL must be an absolute URL/],
    [{ GRAPH_BASE_URL: 'http://127.0.0.1:1' }, /^GRAPH_BASE_URL must use https/],
    [{ GRAPH_BASE_URL: `${SIMULATOR}/beta/users` }, /^GRAPH_BASE_URL must be just the endpoint/],
    [
      { GRAPH_BASE_URL: SIMULATOR, PORT: 'abc' },
      /^PORT must be a port number between 1 and 65535 \(got "abc"\)/,
    ],
    [{ GRAPH_BASE_URL: SIMULATOR, PORT: '70000' }, /^PORT must be a port number/],
    [{ GRAPH_BASE_URL: SIMULATOR, TENANT_ID: 'contoso' }, /^TENANT_ID must be a GUID/],
    [
      { GRAPH_BASE_URL: SIMULATOR, BOT_ID: '11111111-2222-4333-8444-555555555555' },
      /^BOT_PASSWORD is required when BOT_ID is set/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        BOT_ID: '11111111-2222-4333-8444-555555555555',
        BOT_PASSWORD: 'x',
      },
      /^BOT_TENANT_ID \(or TENANT_ID\) is required when BOT_TYPE is SingleTenant/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        BOT_TYPE: 'Anything',
        BOT_ID: '11111111-2222-4333-8444-555555555555',
      },
      /^BOT_TYPE must be one of/,
    ],
    [{ GRAPH_BASE_URL: 'https://graph.microsoft.com' }, /^GRAPH_CREDENTIAL is required: one of/],
    [
      { GRAPH_BASE_URL: 'https://graph.microsoft.com', GRAPH_CREDENTIAL: 'development-token' },
      /only for a loopback Graph endpoint/,
    ],
    [
      { GRAPH_BASE_URL: 'https://graph.microsoft.com', GRAPH_CREDENTIAL: 'client-secret' },
      /^AZURE_TENANT_ID is required when GRAPH_CREDENTIAL is client-secret/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, HOST: '0.0.0.0' },
      /^HOST=0\.0\.0\.0 needs BOT_ID and BOT_PASSWORD/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '2 days' },
      /^FOLLOW_UP_AFTER_MINUTES must be a number of minutes from 0 to 43200 \(30 days\) \(got "2 days"\)/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, GRAPH_CA_CERTIFICATE: '/nowhere/ca.pem' },
      /^GRAPH_CA_CERTIFICATE names a file that does not exist/,
    ],
  ])('refuses %j with a message naming the setting', (env, message) => {
    expect(() => readBotSettings(env)).toThrow(ConfigError);
    expect(() => readBotSettings(env)).toThrow(message);
  });
});

describe('the bot process with a bad setting', () => {
  it('stops at start-up with exit code 1 and one clear line naming the setting', () => {
    const result = spawnSync(process.execPath, [join(__dirname, '..', 'lib', 'index.js')], {
      env: { PATH: process.env.PATH, GRAPH_BASE_URL: SIMULATOR, PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'Configuration error: PORT must be a port number between 1 and 65535 (got "eighty").',
    ]);
  });
});
