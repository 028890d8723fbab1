import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { loopbackTlsOptions } from '../../src/simulator/loopback-certificate';

/** The issuer of every token the Bot Framework channel (Teams) sends a bot. */
export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** What a channel token may be made to say, for the tests that forge a bad one. */
export interface ChannelTokenOverrides {
  readonly iss?: string;
  readonly aud?: string;
  readonly serviceurl?: string;
  /** Seconds from now; negative for a token already expired. */
  readonly expiresIn?: number;
  /** Signed with a key of the same id that the metadata does not publish (a forged signature). */
  readonly signedWithForeignKey?: boolean;
  /** A key id the metadata does not list. */
  readonly kid?: string;
}

/** A client-credentials request the token endpoint answered. */
export interface TokenGrant {
  readonly clientId: string;
  readonly scope: string;
  readonly accessToken: string;
}

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: JsonWebKey;
}

/**
 * Loopback stand-ins for what Microsoft runs around a bot's identity: the Bot Framework's OpenID metadata
 * and signing keys (plain http: botframework-connector fetches them with node-fetch and no CA of ours),
 * the channel's tokens signed with those keys, and Entra's login endpoint (https with the simulator's
 * loopback certificate, as MSAL takes https authorities only) that hands the bot its outgoing token.
 */
export class BotFrameworkIdentityStandIn {
  /** Every token the login endpoint handed out, in order. */
  readonly grants: TokenGrant[] = [];
  /** Client-credentials requests refused (wrong client id or secret). */
  readonly refusedGrants: string[] = [];
  private readonly key = newSigningKey();
  private readonly foreignKey = newSigningKey(this.key.kid);
  private metadataServer: Server | null = null;
  private loginServer: Server | null = null;
  private metadataOrigin = '';
  private loginOrigin = '';

  constructor(
    readonly appId: string,
    private readonly appPassword: string,
    readonly tenantId: string
  ) {}

  async start(): Promise<void> {
    this.metadataServer = createHttpServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://stand-in').pathname;
      if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
        return json(res, 200, {
          issuer: BOT_FRAMEWORK_ISSUER,
          authorization_endpoint: 'https://invalid.botframework.com',
          jwks_uri: `${this.metadataOrigin}/v1/.well-known/keys`,
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['private_key_jwt'],
        });
      }
      if (req.method === 'GET' && path === '/v1/.well-known/keys') {
        // As the Bot Framework publishes them: each key endorsed for the channels that may use it.
        return json(res, 200, {
          keys: [{ ...this.key.jwk, kid: this.key.kid, use: 'sig', endorsements: ['msteams'] }],
        });
      }
      json(res, 404, { error: 'not found' });
    });
    this.loginServer = createHttpsServer(loopbackTlsOptions(), (req, res) => {
      void this.answerLogin(req).then(({ status, body }) => json(res, status, body));
    });
    this.metadataOrigin = await listen(this.metadataServer, 'http');
    this.loginOrigin = await listen(this.loginServer, 'https');
  }

  async stop(): Promise<void> {
    for (const server of [this.metadataServer, this.loginServer]) {
      server?.closeAllConnections();
      if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    this.metadataServer = null;
    this.loginServer = null;
  }

  /** The bot's settings for this identity, its Microsoft endpoints replaced by these stand-ins. */
  botEnv(): Record<string, string> {
    return {
      BOT_ID: this.appId,
      BOT_PASSWORD: this.appPassword,
      BOT_TYPE: 'SingleTenant',
      BOT_TENANT_ID: this.tenantId,
      BOT_LOGIN_URL: this.loginOrigin,
      BOT_OPENID_METADATA_URL: `${this.metadataOrigin}/v1/.well-known/openidconfiguration`,
    };
  }

  /** Whether a connector request carries a token this login endpoint handed out. */
  issued(authorization: string | undefined): boolean {
    const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
    return token !== undefined && this.grants.some((grant) => grant.accessToken === token);
  }

  /** An Authorization header as Teams sends it to a bot: a channel token for this activity's service URL. */
  channelAuthorization(serviceUrl: string, overrides: ChannelTokenOverrides = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = overrides.expiresIn ?? 3600;
    const payload = {
      serviceurl: overrides.serviceurl ?? serviceUrl,
      nbf: now - 300,
      exp: now + expiresIn,
      iss: overrides.iss ?? BOT_FRAMEWORK_ISSUER,
      aud: overrides.aud ?? this.appId,
    };
    const key = overrides.signedWithForeignKey ? this.foreignKey : this.key;
    return `Bearer ${signedJwt(payload, overrides.kid ?? key.kid, key.privateKey)}`;
  }

  /** Entra's side: the authority's OpenID configuration (MSAL reads it first) and its token endpoint. */
  private async answerLogin(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(req.url ?? '/', 'https://stand-in').pathname;
    const authority = `${this.loginOrigin}/${this.tenantId}`;
    if (
      req.method === 'GET' &&
      path === `/${this.tenantId}/v2.0/.well-known/openid-configuration`
    ) {
      return {
        status: 200,
        body: {
          token_endpoint: `${authority}/oauth2/v2.0/token`,
          authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
          jwks_uri: `${authority}/discovery/v2.0/keys`,
          issuer: `${authority}/v2.0`,
          token_endpoint_auth_methods_supported: ['client_secret_post'],
        },
      };
    }
    if (req.method === 'POST' && path === `/${this.tenantId}/oauth2/v2.0/token`) {
      const form = new URLSearchParams(await readText(req));
      const clientId = form.get('client_id') ?? '';
      if (
        form.get('grant_type') !== 'client_credentials' ||
        clientId !== this.appId ||
        form.get('client_secret') !== this.appPassword
      ) {
        this.refusedGrants.push(clientId);
        return {
          status: 401,
          body: {
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided.',
          },
        };
      }
      const accessToken = `bot-token-${randomBytes(12).toString('hex')}`;
      this.grants.push({ clientId, scope: form.get('scope') ?? '', accessToken });
      return {
        status: 200,
        body: {
          token_type: 'Bearer',
          expires_in: 3599,
          ext_expires_in: 3599,
          access_token: accessToken,
        },
      };
    }
    return { status: 404, body: { error: 'not_found' } };
  }
}

function newSigningKey(kid?: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    kid:
      kid ??
      createHash('sha256')
        .update(jwk.n ?? '')
        .digest('base64url')
        .slice(0, 27),
    privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    jwk: { kty: jwk.kty, n: jwk.n, e: jwk.e },
  };
}

function signedJwt(payload: object, kid: string, key: KeyObject): string {
  const header = { alg: 'RS256', typ: 'JWT', kid, x5t: kid };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(payload)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

async function listen(server: Server, scheme: 'http' | 'https'): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function readText(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}
