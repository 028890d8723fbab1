import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ConfigError, readBotSettings as readSettings, redactedUrl, type Env } from '../src/config';
import { TENANT_SIMULATOR_DEFAULTS } from '../src/simulator/simulator-defaults';

/** As the entry points read them when Graph is on loopback: with the simulator's token and certificate. */
const readBotSettings = (env: Env) => readSettings(env, TENANT_SIMULATOR_DEFAULTS);

const SIMULATOR = 'https://127.0.0.1:44300';
/** A bot identity, which any Graph other than the simulator needs. */
const IDENTITY = {
  BOT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_PASSWORD: 'not-a-real-secret',
  BOT_TENANT_ID: '5c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5',
};
const REAL_GRAPH = {
  GRAPH_BASE_URL: 'https://graph.microsoft.com',
  GRAPH_CREDENTIAL: 'managed-identity',
  ...IDENTITY,
};
const SAS_SIGNATURE = 'sig=Zm9vYmFyc2VjcmV0c2lnbmF0dXJl';

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
    const settings = readBotSettings(REAL_GRAPH);
    expect(settings.graph.trustedCertificatePath).toBeUndefined();
    expect(settings.graph.credential).toEqual({ kind: 'managed-identity', clientId: undefined });
    expect(settings.botIdentity).toMatchObject({ appId: IDENTITY.BOT_ID });
  });

  it.each(['graph.microsoft.us', 'dod-graph.microsoft.us', 'microsoftgraph.chinacloudapi.cn'])(
    'accepts the national cloud Graph %s',
    (host) => {
      expect(
        readBotSettings({ ...REAL_GRAPH, GRAPH_BASE_URL: `https://${host}/v1.0` }).graph.baseUrl
      ).toBe(`https://${host}`);
    }
  );

  it('runs anonymous only against the tenant simulator: loopback with its development token', () => {
    expect(readBotSettings({ GRAPH_BASE_URL: SIMULATOR }).botIdentity).toBeNull();
    expect(readBotSettings({ GRAPH_BASE_URL: 'https://localhost:44300' }).botIdentity).toBeNull();
    for (const env of [
      { GRAPH_BASE_URL: 'https://graph.microsoft.com', GRAPH_CREDENTIAL: 'managed-identity' },
      { GRAPH_BASE_URL: SIMULATOR, GRAPH_CREDENTIAL: 'managed-identity' },
      { GRAPH_BASE_URL: SIMULATOR, GRAPH_TOKEN: 'a-real-access-token' },
      {
        GRAPH_BASE_URL: SIMULATOR,
        GRAPH_CREDENTIAL: 'client-secret',
        AZURE_TENANT_ID: IDENTITY.BOT_TENANT_ID,
        AZURE_CLIENT_ID: IDENTITY.BOT_ID,
        AZURE_CLIENT_SECRET: 'x',
      },
      // Blank counts as unset.
      {
        GRAPH_BASE_URL: 'https://graph.microsoft.com',
        GRAPH_CREDENTIAL: 'managed-identity',
        BOT_ID: ' ',
      },
    ]) {
      expect(() => readBotSettings(env)).toThrow(
        /^BOT_ID is required \(with BOT_PASSWORD\): without it nobody calling the bot is authenticated/
      );
    }
  });

  it('accepts a soak period under a minute, or a sign-off that expires within one, only with ALLOW_UNSAFE_TIMINGS=true', () => {
    const unsafe = { GRAPH_BASE_URL: SIMULATOR, ALLOW_UNSAFE_TIMINGS: 'true' };
    expect(readBotSettings({ ...unsafe, FOLLOW_UP_AFTER_MINUTES: '0' }).followUpAfterMs).toBe(0);
    expect(readBotSettings({ ...unsafe, FOLLOW_UP_AFTER_MINUTES: '0.25' }).followUpAfterMs).toBe(
      15_000
    );
    expect(
      readBotSettings({ ...unsafe, APPROVAL_EXPIRY_HOURS: '0.0001' }).approvalTtlMs
    ).toBeCloseTo(360);
    expect(
      readBotSettings({ GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '1' }).followUpAfterMs
    ).toBe(60_000);
  });

  it('never shows a SAS signature, a password in a URL, or a long value it refuses', () => {
    const refusals = [
      {
        STORAGE_ACCOUNT_URL: `https://contoso.blob.core.windows.net/?sv=2024-01-01&${SAS_SIGNATURE}`,
      },
      { STORAGE_ACCOUNT_URL: `https://contoso.blob.core.windows.net?${SAS_SIGNATURE}` },
      { STORAGE_ACCOUNT_URL: `contoso.blob.core.windows.net?${SAS_SIGNATURE}` },
      { GRAPH_BASE_URL: `https://graph.microsoft.com/v1.0?${SAS_SIGNATURE}` },
      { GRAPH_BASE_URL: `https://user:${SAS_SIGNATURE}@graph.microsoft.com` },
      { ADMIN_GROUP_ID: `DefaultEndpointsProtocol=https;AccountKey=${SAS_SIGNATURE}` },
    ].map((env) => {
      try {
        readBotSettings({ GRAPH_BASE_URL: SIMULATOR, ...env });
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    });
    for (const message of refusals) {
      expect(message).not.toBe('accepted');
      expect(message).not.toContain('Zm9vYmFy');
    }
    expect(refusals[0]).toBe(
      "STORAGE_ACCOUNT_URL must be the account's blob endpoint alone, such as https://contoso.blob.core.windows.net, without a SAS token: the bot signs in with its managed identity (got https://contoso.blob.core.windows.net (the rest not shown))."
    );
    expect(redactedUrl('https://a.example/x?y#z')).toBe('https://a.example/x (the rest not shown)');
    expect(redactedUrl('graph.microsoft.com')).toBe('"graph.microsoft.com"');
    expect(redactedUrl('contoso?sig=abc')).toBe('a value that is not a URL');
  });

  it('takes storage over https, or plain http to Azurite on loopback only', () => {
    const azurite =
      'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
    expect(
      readBotSettings({ GRAPH_BASE_URL: SIMULATOR, STORAGE_CONNECTION_STRING: azurite }).storage
    ).toMatchObject({
      kind: 'connection-string',
    });
    expect(
      readBotSettings({
        GRAPH_BASE_URL: SIMULATOR,
        STORAGE_CONNECTION_STRING:
          'DefaultEndpointsProtocol=https;AccountName=contoso;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      }).storage
    ).toMatchObject({ kind: 'connection-string' });
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
      { GRAPH_BASE_URL: 'https://graph.evil.example', GRAPH_CREDENTIAL: 'managed-identity' },
      /^GRAPH_BASE_URL must be Microsoft Graph \(https:\/\/graph\.microsoft\.com, or a national cloud's: graph\.microsoft\.us, dod-graph\.microsoft\.us, microsoftgraph\.chinacloudapi\.cn\) or the tenant simulator on loopback \(got graph\.evil\.example\)\.$/,
    ],
    [
      { ...REAL_GRAPH, GRAPH_BASE_URL: 'https://graph.microsoft.com.evil.example' },
      /^GRAPH_BASE_URL must be Microsoft Graph/,
    ],
    [
      { ...REAL_GRAPH, GRAPH_BASE_URL: 'https://graph.microsoft.de' },
      /^GRAPH_BASE_URL must be Microsoft Graph/,
    ],
    [
      {
        ...REAL_GRAPH,
        GRAPH_CREDENTIAL: 'client-secret',
        AZURE_TENANT_ID: 'contoso.onmicrosoft.com',
        AZURE_CLIENT_ID: IDENTITY.BOT_ID,
        AZURE_CLIENT_SECRET: 'x',
      },
      /^AZURE_TENANT_ID must be a GUID/,
    ],
    [
      {
        ...REAL_GRAPH,
        GRAPH_CREDENTIAL: 'certificate',
        AZURE_TENANT_ID: IDENTITY.BOT_TENANT_ID,
        AZURE_CLIENT_ID: 'bot',
        AZURE_CLIENT_CERTIFICATE_PATH: __filename,
      },
      /^AZURE_CLIENT_ID must be a GUID such as 0{8}-0{4}-0{4}-0{4}-0{12} \(got "bot"\)\.$/,
    ],
    [{ ...REAL_GRAPH, AZURE_CLIENT_ID: 'bot' }, /^AZURE_CLIENT_ID must be a GUID/],
    [{ ...REAL_GRAPH, BOT_ID: 'license-bot' }, /^BOT_ID must be a GUID/],
    [{ ...REAL_GRAPH, BOT_TENANT_ID: 'contoso' }, /^BOT_TENANT_ID must be a GUID/],
    [{ GRAPH_BASE_URL: SIMULATOR, ADMIN_GROUP_ID: 'admins' }, /^ADMIN_GROUP_ID must be a GUID/],
    [
      { GRAPH_BASE_URL: SIMULATOR, APPROVER_GROUP_ID: 'approvers' },
      /^APPROVER_GROUP_ID must be a GUID/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        ADMIN_GROUP_ID: 'c083ef65-7192-43a4-9fb0-6b7c8d9eafb5',
        APPROVER_GROUP_ID: 'C083EF65-7192-43A4-9FB0-6B7C8D9EAFB5',
      },
      /^ADMIN_GROUP_ID and APPROVER_GROUP_ID name the same group: approvers must be a different group/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '0' },
      /^FOLLOW_UP_AFTER_MINUTES=0 turns off the soak period.*set ALLOW_UNSAFE_TIMINGS=true for a test or a demo\.$/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '0.5' },
      /^FOLLOW_UP_AFTER_MINUTES=0\.5 all but removes the soak period/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, APPROVAL_EXPIRY_HOURS: '0.0001' },
      /^APPROVAL_EXPIRY_HOURS=0\.0001 makes a sign-off card expire within a minute.*ALLOW_UNSAFE_TIMINGS=true/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, FOLLOW_UP_AFTER_MINUTES: '0', ALLOW_UNSAFE_TIMINGS: 'yes' },
      /^ALLOW_UNSAFE_TIMINGS must be one of true, false \(got "yes"\)/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        STORAGE_CONNECTION_STRING:
          'DefaultEndpointsProtocol=http;AccountName=contoso;AccountKey=a2V5;EndpointSuffix=core.windows.net',
      },
      /^STORAGE_CONNECTION_STRING must reach the storage account over https/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        STORAGE_CONNECTION_STRING:
          'AccountName=contoso;AccountKey=a2V5;BlobEndpoint=http://contoso.example/',
      },
      /^STORAGE_CONNECTION_STRING must reach the storage account over https/,
    ],
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

describe('stand-ins of Microsoft’s login and OpenID metadata (BOT_LOGIN_URL, BOT_OPENID_METADATA_URL)', () => {
  const STAND_INS = {
    BOT_LOGIN_URL: 'https://127.0.0.1:8444',
    BOT_OPENID_METADATA_URL: 'http://127.0.0.1:8445/v1/.well-known/openidconfiguration',
  };

  it('takes both on loopback, with an identity, against the tenant simulator', () => {
    const identity = readBotSettings({
      GRAPH_BASE_URL: SIMULATOR,
      ...IDENTITY,
      ...STAND_INS,
    }).botIdentity;
    expect(identity?.endpoints).toEqual({
      loginUrl: 'https://127.0.0.1:8444',
      openIdMetadataUrl: STAND_INS.BOT_OPENID_METADATA_URL,
      trustedCertificatePath: expect.stringMatching(/loopback-cert\.pem$/),
    });
    expect(
      readBotSettings({ GRAPH_BASE_URL: SIMULATOR, ...IDENTITY }).botIdentity?.endpoints
    ).toBeUndefined();
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        ...IDENTITY,
        ...STAND_INS,
        BOT_LOGIN_URL: 'https://login.evil.example',
      },
      /^BOT_LOGIN_URL is for a loopback stand-in/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        ...IDENTITY,
        ...STAND_INS,
        BOT_LOGIN_URL: 'http://127.0.0.1:8444',
      },
      /^BOT_LOGIN_URL is for a loopback stand-in of Microsoft's endpoint in tests: a https URL/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        ...IDENTITY,
        ...STAND_INS,
        BOT_OPENID_METADATA_URL:
          'https://login.botframework.com.evil.example/v1/.well-known/openidconfiguration',
      },
      /^BOT_OPENID_METADATA_URL is for a loopback stand-in/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, ...IDENTITY, BOT_LOGIN_URL: STAND_INS.BOT_LOGIN_URL },
      /^BOT_LOGIN_URL and BOT_OPENID_METADATA_URL go together/,
    ],
    [
      { GRAPH_BASE_URL: SIMULATOR, ...STAND_INS },
      /^BOT_LOGIN_URL and BOT_OPENID_METADATA_URL go together/,
    ],
    [
      { ...REAL_GRAPH, ...STAND_INS },
      /^BOT_LOGIN_URL and BOT_OPENID_METADATA_URL are for tests against the tenant simulator only/,
    ],
    [
      {
        GRAPH_BASE_URL: SIMULATOR,
        ...IDENTITY,
        ...STAND_INS,
        BOT_LOGIN_URL: 'https://127.0.0.1:8444/tenant',
      },
      /^BOT_LOGIN_URL must be an origin alone/,
    ],
  ])('refuses %j', (env, message) => {
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

describe('settings for a real tenant', () => {
  it('never load the tenant simulator: its token, certificate and app are passed in by the entry points', () => {
    const probe = [
      "require('./lib/config').readBotSettings({",
      "  GRAPH_BASE_URL: 'https://graph.microsoft.com',",
      "  GRAPH_CREDENTIAL: 'managed-identity',",
      `  BOT_ID: '${IDENTITY.BOT_ID}', BOT_PASSWORD: 'x', BOT_TENANT_ID: '${IDENTITY.BOT_TENANT_ID}',`,
      '});',
      "require('./lib/start-bot');",
      "console.log(Object.keys(require.cache).filter((m) => m.includes('simulator')).join(','));",
    ].join('\n');
    const result = spawnSync(process.execPath, ['-e', probe], {
      cwd: join(__dirname, '..'),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.stdout.trim()).toBe('');
  });

  it('a loopback endpoint without the simulator (another Graph stand-in) needs its own token and is never anonymous', () => {
    expect(() => readSettings({ GRAPH_BASE_URL: SIMULATOR })).toThrow(
      /GRAPH_CREDENTIAL=development-token needs GRAPH_TOKEN/
    );
    expect(() => readSettings({ GRAPH_BASE_URL: SIMULATOR, GRAPH_TOKEN: 'stand-in' })).toThrow(
      /BOT_ID is required/
    );
  });
});
