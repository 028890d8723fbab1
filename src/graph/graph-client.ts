import { readFileSync } from 'node:fs';
import {
  AuthenticationHandler,
  Client,
  HTTPMessageHandler,
  RedirectHandler,
  RedirectHandlerOptions,
  TelemetryHandler,
  type AuthenticationProvider,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { Agent } from 'undici';
import type { WriteFence } from '../engine/ports/write-fence';
import { FencedRetryHandler } from './fenced-retry-handler';
import { GRAPH_SCOPE, type GraphCredentialSettings, type GraphSettings } from './graph-settings';

/** Tokens from @azure/identity, for a real tenant: managed identity, certificate or client secret. */
function tokenCredential(
  settings: Exclude<GraphCredentialSettings, { kind: 'development-token' }>
): TokenCredential {
  switch (settings.kind) {
    case 'managed-identity':
      return settings.clientId
        ? new ManagedIdentityCredential({ clientId: settings.clientId })
        : new ManagedIdentityCredential();
    case 'client-secret':
      return new ClientSecretCredential(
        settings.tenantId,
        settings.clientId,
        settings.clientSecret
      );
    case 'certificate':
      return new ClientCertificateCredential(settings.tenantId, settings.clientId, {
        certificatePath: settings.certificatePath,
      });
  }
}

function authenticationProvider(settings: GraphCredentialSettings): AuthenticationProvider {
  if (settings.kind === 'development-token') {
    return { getAccessToken: async () => settings.token };
  }
  return new TokenCredentialAuthenticationProvider(tokenCredential(settings), {
    scopes: [GRAPH_SCOPE],
  });
}

/**
 * A Graph client on the library's middleware (authentication, redirects, telemetry) with our retry in
 * place of its RetryHandler: the same retries, but every attempt of a write is fenced by `fence` (the
 * runner lease) right before it leaves, and a retry that would wait past the fence's end is not sent.
 * Pointing it at the tenant simulator or at graph.microsoft.com is configuration only: a non-Graph host
 * is declared a custom host so it gets the token, and a private CA certificate (the simulator's) is
 * trusted for that endpoint alone.
 */
export function createGraphClient(
  settings: GraphSettings,
  fence: WriteFence,
  options: { readonly retrySleep?: (ms: number) => Promise<void> } = {}
): Client {
  const url = new URL(settings.baseUrl);
  const isGraphHost = url.hostname.endsWith('graph.microsoft.com');
  return Client.initWithMiddleware({
    middleware: [
      new AuthenticationHandler(authenticationProvider(settings.credential)),
      new RedirectHandler(new RedirectHandlerOptions()),
      new TelemetryHandler(),
      new FencedRetryHandler(fence, options.retrySleep),
      new HTTPMessageHandler(),
    ],
    baseUrl: url.origin,
    defaultVersion: 'v1.0',
    customHosts: isGraphHost ? undefined : new Set([url.hostname]),
    fetchOptions: settings.trustedCertificatePath
      ? {
          dispatcher: new Agent({
            connect: { ca: readFileSync(settings.trustedCertificatePath) },
          }),
        }
      : undefined,
  });
}
