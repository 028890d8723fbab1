import { readFileSync } from 'node:fs';
import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { Agent } from 'undici';
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
 * A Graph client on the library's default middleware chain (authentication, retry honouring
 * Retry-After, redirects, telemetry) and its page iterator. Pointing it at the tenant simulator or at
 * graph.microsoft.com is configuration only: a non-Graph host is declared a custom host so it gets the
 * token, and a private CA certificate (the simulator's) is trusted for that endpoint alone.
 */
export function createGraphClient(settings: GraphSettings): Client {
  const url = new URL(settings.baseUrl);
  const isGraphHost = url.hostname.endsWith('graph.microsoft.com');
  return Client.initWithMiddleware({
    authProvider: authenticationProvider(settings.credential),
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
