import { readFileSync } from 'node:fs';
import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
} from '@azure/msal-node';
import type { ConfigurationBotFrameworkAuthenticationOptions } from 'botbuilder';
import {
  AuthenticationConstants,
  MsalServiceClientCredentialsFactory,
  type ServiceClientCredentialsFactory,
} from 'botframework-connector';
import { Agent, fetch } from 'undici';
import type { BotFrameworkEndpoints, BotIdentity } from '../config';

/** What the adapter needs to run its identity against loopback stand-ins of Microsoft's endpoints. */
export interface StandInAuthentication {
  readonly options: ConfigurationBotFrameworkAuthenticationOptions;
  readonly credentialsFactory: ServiceClientCredentialsFactory;
}

/**
 * botbuilder's own settings for another cloud (a "parameterized" one), pointed at the stand-ins: the
 * channel's tokens are checked exactly as in Azure (issuer, audience, signature, endorsements, service
 * URL), with keys from the stand-in's metadata. The outgoing token comes from MSAL, as in Azure, but
 * from a client that knows the stand-in's authority (MSAL would otherwise ask login.microsoftonline.com
 * to vouch for it) and trusts its loopback certificate.
 */
export function standInAuthentication(
  identity: BotIdentity,
  endpoints: BotFrameworkEndpoints
): StandInAuthentication {
  const authority = `${endpoints.loginUrl}/${identity.appTenantId || 'botframework.com'}`;
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: identity.appId,
      clientSecret: identity.password,
      authority,
      knownAuthorities: [new URL(endpoints.loginUrl).host],
    },
    system: {
      networkClient: networkTrusting(readFileSync(endpoints.trustedCertificatePath)),
    },
  });
  return {
    options: {
      MicrosoftAppId: identity.appId,
      MicrosoftAppPassword: identity.password,
      MicrosoftAppType: identity.appType,
      MicrosoftAppTenantId: identity.appTenantId,
      ToChannelFromBotLoginUrl: authority,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
      // Tokens in the Emulator's shape are checked against the stand-in too: nothing leaves loopback.
      ToBotFromEmulatorOpenIdMetadataUrl: endpoints.openIdMetadataUrl,
      CallerId: 'urn:botframework:azure',
      ValidateAuthority: true,
    },
    // botframework-connector is typed against its own MSAL major; the client is used only through
    // acquireTokenByClientCredential, which both majors share.
    credentialsFactory: new MsalServiceClientCredentialsFactory(
      identity.appId,
      client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1]
    ),
  };
}

/** MSAL's HTTP, over undici with one more trusted certificate (the stand-in's). */
function networkTrusting(ca: Buffer): INetworkModule {
  const dispatcher = new Agent({ connect: { ca } });
  const send = async <T>(
    method: 'GET' | 'POST',
    url: string,
    options?: NetworkRequestOptions
  ): Promise<NetworkResponse<T>> => {
    const response = await fetch(url, {
      method,
      dispatcher,
      ...(options?.headers ? { headers: options.headers } : {}),
      ...(options?.body ? { body: options.body } : {}),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: (await response.json()) as T,
    };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}
